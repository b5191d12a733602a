import { assertNever } from '../../src/shared/assertNever';
import { layoutGraph } from './layout';
import { LAYOUT_PROTOCOL, measureFrom, type FromLayoutWorker, type ToLayoutWorker } from './layoutProtocol';

// Entry of the graph view's layout worker (dist/webview/graphLayout.js): lays out a view graph
// off the page's main thread, so that a model of thousands of layers does not freeze the view
// (layoutRunner.ts starts it and falls back to the main thread where it cannot).

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToLayoutWorker>) => void) | null;
  postMessage(message: FromLayoutWorker): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.v !== LAYOUT_PROTOCOL) {
    const id = typeof request.id === 'number' ? request.id : -1;
    scope.postMessage({ v: LAYOUT_PROTOCOL, type: 'error', id, message: `layout worker: protocol ${String(request.v)}, expected ${LAYOUT_PROTOCOL}` });
    return;
  }
  switch (request.type) {
    case 'layout':
      try {
        scope.postMessage({ v: LAYOUT_PROTOCOL, type: 'layout', id: request.id, layout: layoutGraph(request.graph, measureFrom(request.widths)) });
      } catch (err) {
        scope.postMessage({ v: LAYOUT_PROTOCOL, type: 'error', id: request.id, message: err instanceof Error ? err.message : String(err) });
      }
      break;
    default:
      assertNever(request.type, 'layout worker');
  }
};
