import './compare.css';
import type { CompareToExtension, ComparePersistedState, ExtensionToCompare } from '../../src/shared/messages';
import { usePageTranslations } from '../shared/l10n';
import { onExtensionMessage, vscodeApi } from '../shared/vscodeApi';
import { CompareView } from './compareView';

// Entry of the compare webview bundle (dist/webview/compare.js + compare.css).

usePageTranslations();
const api = vscodeApi<CompareToExtension, ComparePersistedState>();
const root = document.getElementById('app') ?? document.body;
const view = new CompareView(root, api);
onExtensionMessage<ExtensionToCompare>((message) => view.receive(message));
api.post({ type: 'ready' });
