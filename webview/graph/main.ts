import type { ExtensionToGraph, GraphToExtension } from '../../src/shared/messages';
import { usePageTranslations } from '../shared/l10n';
import { onExtensionMessage, vscodeApi } from '../shared/vscodeApi';
import { GraphView } from './graphView';
import type { GraphViewState } from './state';
import { canvasTextMeasure } from './textMeasure';

// Entry of the graph webview bundle (dist/webview/graph.js).

usePageTranslations();
const api = vscodeApi<GraphToExtension, GraphViewState>();
const root = document.getElementById('app') ?? document.body;
const fontFamily = getComputedStyle(document.body).fontFamily || 'sans-serif';
// The layout worker's bundle is built beside this one (esbuild.mjs): found from this script's URL.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript.src : '';
const layoutWorkerUrl = script ? new URL('graphLayout.js', script).toString() : null;
const view = new GraphView(root, api, canvasTextMeasure(fontFamily), layoutWorkerUrl);
onExtensionMessage<ExtensionToGraph>((message) => view.receive(message));
api.post({ type: 'ready' });
