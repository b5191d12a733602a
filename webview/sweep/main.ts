import './sweep.css';
import type { ExtensionToSweep, SweepPersistedState, SweepToExtension } from '../../src/shared/messages';
import { usePageTranslations } from '../shared/l10n';
import { onExtensionMessage, vscodeApi } from '../shared/vscodeApi';
import { SweepView } from './sweepView';

// Entry of the sweep webview bundle (dist/webview/sweep.js + sweep.css).

usePageTranslations();
const api = vscodeApi<SweepToExtension, SweepPersistedState>();
const root = document.getElementById('app') ?? document.body;
const view = new SweepView(root, api);
onExtensionMessage<ExtensionToSweep>((message) => view.receive(message));
api.post({ type: 'ready' });
