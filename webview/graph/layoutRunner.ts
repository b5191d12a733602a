import { assertNever } from '../../src/shared/assertNever';
import { layoutGraph, type GraphLayout, type LayoutInput, type TextMeasure } from './layout';
import { LAYOUT_PROTOCOL, layoutInputOf, measureTexts, type FromLayoutWorker, type ToLayoutWorker } from './layoutProtocol';

// Runs the layout in a Web Worker (layoutWorker.ts), so that the page stays responsive while
// a large model is laid out, and on the main thread where no worker can be had.
//
// A webview may not start a worker from its resource URL (another origin than the page), so
// the worker's script is fetched and started from a Blob URL: the page's CSP allows
// `connect-src` to the resource origin and `worker-src blob:` (src/extension/webviewPage.ts).

/** Where a layout ran: `worker`, or `main` where no worker could be started or it failed. */
export type LayoutPlace = 'worker' | 'main';

interface Pending {
  resolve(layout: GraphLayout): void;
  reject(error: Error): void;
}

export class LayoutRunner {
  /** The worker once started; null when it cannot be (then every layout runs here). */
  private worker: Promise<Worker | null> | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  /** `workerUrl`: the worker bundle's URL, or null to lay out on the main thread only. */
  constructor(private readonly workerUrl: string | null, private readonly measure: TextMeasure) {}

  /** Lays `graph` out, in the worker where there is one; resolves on the main thread's next task. */
  async layout(graph: LayoutInput): Promise<{ layout: GraphLayout; place: LayoutPlace }> {
    const worker = await this.start();
    if (worker) {
      try {
        return { layout: await this.request(worker, graph), place: 'worker' };
      } catch {
        // A worker that failed once is not trusted again: this and later layouts run here.
        this.stop(worker);
      }
    }
    return { layout: layoutGraph(graph, this.measure), place: 'main' };
  }

  private start(): Promise<Worker | null> {
    this.worker ??= this.open().catch(() => null);
    return this.worker;
  }

  private async open(): Promise<Worker | null> {
    if (this.workerUrl === null || typeof Worker === 'undefined' || typeof fetch === 'undefined') return null;
    const response = await fetch(this.workerUrl);
    if (!response.ok) return null;
    const source = await response.blob();
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    // Refused by a CSP without `worker-src blob:`: this throws, and the layout stays here.
    const worker = new Worker(url);
    // The URL is kept until the worker has said something: its script may load after this.
    const loaded = () => URL.revokeObjectURL(url);
    worker.onmessage = (event: MessageEvent<FromLayoutWorker>) => {
      loaded();
      this.answer(event.data);
    };
    worker.onerror = (event) => {
      loaded();
      event.preventDefault();
      this.failAll(new Error(`layout worker: ${event.message}`));
    };
    return worker;
  }

  private request(worker: Worker, graph: LayoutInput): Promise<GraphLayout> {
    const id = this.nextId++;
    const message: ToLayoutWorker = {
      v: LAYOUT_PROTOCOL, type: 'layout', id, graph: layoutInputOf(graph), widths: measureTexts(graph, this.measure),
    };
    return new Promise<GraphLayout>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  private answer(message: FromLayoutWorker): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.v !== LAYOUT_PROTOCOL) {
      pending.reject(new Error(`layout worker: protocol ${String(message.v)}, expected ${LAYOUT_PROTOCOL}`));
      return;
    }
    switch (message.type) {
      case 'layout':
        pending.resolve(message.layout);
        break;
      case 'error':
        pending.reject(new Error(message.message));
        break;
      default:
        assertNever(message, 'graph view, from the layout worker');
        pending.reject(new Error('layout worker: unexpected answer'));
    }
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private stop(worker: Worker): void {
    worker.terminate();
    this.failAll(new Error('layout worker stopped'));
    this.worker = Promise.resolve(null);
  }
}
