// The webview side of the transport: VS Code injects `acquireVsCodeApi` (callable once).
// Typed by the view that uses it, with the message unions of src/shared/messages.ts.

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): RawVsCodeApi;

export interface VsCodeApi<Out, State> {
  post(message: Out): void;
  /** The state saved by an earlier instance of this webview, or undefined. */
  getState(): Partial<State> | undefined;
  setState(state: State): void;
}

export function vscodeApi<Out, State>(): VsCodeApi<Out, State> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    getState: () => (api.getState() ?? undefined) as Partial<State> | undefined,
    setState: (state) => api.setState(state),
  };
}

/** Listens to messages from the extension (they arrive as window message events). */
export function onExtensionMessage<In>(handler: (message: In) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as unknown;
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
      handler(data as In);
    }
  });
}
