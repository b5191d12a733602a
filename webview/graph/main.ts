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
const view = new GraphView(root, api, canvasTextMeasure(fontFamily));
onExtensionMessage<ExtensionToGraph>((message) => view.receive(message));
api.post({ type: 'ready' });
