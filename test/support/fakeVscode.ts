// A stand-in for the `vscode` module, for unit tests of the extension's glue (the live run, the
// runs view, the Train Model steps, the compare command's arguments) outside a real editor; the
// e2e suite covers the real one. Only what that glue calls is here. Every prompt the code
// shows is recorded in `ui.shown`, and answered from `ui.answers` (first in, first out; an
// empty queue answers undefined, as a dismissed prompt does).
import * as path from 'node:path';
import { tr } from '../../src/shared/l10n/translate';

type Listener<T> = (e: T) => unknown;

export class Disposable {
  constructor(private readonly onDispose: () => void = () => {}) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.onDispose();
  }
}

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  disposed = false;
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => { this.listeners = this.listeners.filter((l) => l !== listener); });
  };
  get listenerCount(): number {
    return this.listeners.length;
  }
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum ViewColumn { Active = -1, Beside = -2, One = 1 }

export interface ShownPrompt {
  kind: 'info' | 'warning' | 'error' | 'quickPick' | 'inputBox' | 'progress';
  text: string;
  /** The buttons of a message, the labels of a quick pick. */
  items: string[];
}

/** The prompts shown and the answers queued for the next ones. */
export const ui = {
  shown: [] as ShownPrompt[],
  answers: [] as unknown[],
  progressReports: [] as { increment?: number; message?: string }[],
};

class StatusBarItem {
  text = '';
  tooltip: string | undefined;
  command: string | undefined;
  visible = false;
  show(): void { this.visible = true; }
  hide(): void { this.visible = false; }
  dispose(): void { this.visible = false; }
}
export const statusBarItems: StatusBarItem[] = [];

class OutputChannel {
  /** Everything appended since the last clear(). */
  text = '';
  visible = false;
  constructor(readonly name: string) {}
  append(value: string): void { this.text += value; }
  appendLine(value: string): void { this.text += `${value}\n`; }
  clear(): void { this.text = ''; }
  show(): void { this.visible = true; }
  hide(): void { this.visible = false; }
  dispose(): void { this.visible = false; }
}
/** Every output channel created, in order. */
export const outputChannels: OutputChannel[] = [];

function answer(): unknown {
  return ui.answers.shift();
}

async function message(kind: 'info' | 'warning' | 'error', text: string, ...rest: unknown[]): Promise<string | undefined> {
  const items = rest.filter((r): r is string => typeof r === 'string');
  ui.shown.push({ kind, text, items });
  const a = answer();
  return typeof a === 'string' && items.includes(a) ? a : undefined;
}

/** VS Code's l10n in English (no bundle): the message with its placeholders filled, as `tr` does. */
export const l10n = { t: tr };

export const window = {
  createStatusBarItem: (): StatusBarItem => {
    const item = new StatusBarItem();
    statusBarItems.push(item);
    return item;
  },
  createOutputChannel: (name: string): OutputChannel => {
    const channel = new OutputChannel(name);
    outputChannels.push(channel);
    return channel;
  },
  showInformationMessage: (text: string, ...items: unknown[]) => message('info', text, ...items),
  showWarningMessage: (text: string, ...items: unknown[]) => message('warning', text, ...items),
  showErrorMessage: (text: string, ...items: unknown[]) => message('error', text, ...items),
  async showQuickPick<T extends { label: string }>(items: readonly T[] | Promise<readonly T[]>, options?: { placeHolder?: string }): Promise<T | undefined> {
    const list = await items;
    ui.shown.push({ kind: 'quickPick', text: options?.placeHolder ?? '', items: list.map((i) => i.label) });
    const a = answer();
    // An answer names the item by its label, or by the start of it.
    return typeof a === 'string' ? list.find((i) => i.label === a || i.label.includes(a)) : undefined;
  },
  async showInputBox(options?: { prompt?: string; value?: string; validateInput?: (v: string) => string | null | undefined }): Promise<string | undefined> {
    ui.shown.push({ kind: 'inputBox', text: options?.prompt ?? '', items: options?.value ? [options.value] : [] });
    const a = answer();
    if (typeof a !== 'string') return undefined;
    const invalid = options?.validateInput?.(a);
    if (invalid) throw new Error(`the input box refused '${a}': ${invalid}`);
    return a;
  },
  async withProgress<R>(options: { title?: string }, task: (progress: { report(v: { increment?: number; message?: string }): void }, token: { onCancellationRequested: (l: Listener<void>) => Disposable; isCancellationRequested: boolean }) => Promise<R>): Promise<R> {
    ui.shown.push({ kind: 'progress', text: options.title ?? '', items: [] });
    return task({ report: (v) => ui.progressReports.push(v) }, { onCancellationRequested: cancellation.event, isCancellationRequested: false });
  },
  registerWebviewViewProvider: () => new Disposable(),
  registerWebviewPanelSerializer: () => new Disposable(),
};

/** Fire to press Cancel on the progress notification. */
export const cancellation = new EventEmitter<void>();

export const commands = {
  registered: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as { command: string; args: unknown[] }[],
  registerCommand(id: string, run: (...args: unknown[]) => unknown): Disposable {
    commands.registered.set(id, run);
    return new Disposable(() => commands.registered.delete(id));
  },
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    commands.executed.push({ command, args });
    return commands.registered.get(command)?.(...args);
  },
};

/** Settings read through getConfiguration('section').get(key). */
export const settings = new Map<string, unknown>();

export const workspace = {
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  isTrusted: true,
  getConfiguration(section?: string) {
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        const full = section ? `${section}.${key}` : key;
        return settings.has(full) ? (settings.get(full) as T) : fallback;
      },
    };
  },
  onDidChangeConfiguration: new EventEmitter<unknown>().event,
};

/** Other extensions, by id, as getExtension returns them (tests add what they need). */
export const installedExtensions = new Map<string, { isActive: boolean; activate(): Promise<unknown>; exports: unknown }>();

export const extensions = {
  getExtension(id: string) {
    return installedExtensions.get(id);
  },
};

/** An ExtensionContext whose workspaceState is a Map. */
export function fakeContext(extensionPath = process.cwd()) {
  const state = new Map<string, unknown>();
  return {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file(extensionPath),
    extensionPath,
    workspaceState: {
      get: <T>(key: string, fallback?: T): T | undefined => (state.has(key) ? (state.get(key) as T) : fallback),
      update: async (key: string, value: unknown) => { state.set(key, value); },
      keys: () => [...state.keys()],
    },
  };
}

/** Forgets every prompt, answer, command, setting, status bar item and output channel of the last test. */
export function resetFakeVscode(): void {
  ui.shown.length = 0;
  ui.answers.length = 0;
  ui.progressReports.length = 0;
  commands.registered.clear();
  commands.executed.length = 0;
  settings.clear();
  statusBarItems.length = 0;
  outputChannels.length = 0;
  workspace.workspaceFolders = undefined;
  workspace.isTrusted = true;
  installedExtensions.clear();
}
