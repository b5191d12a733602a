import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '../compare/compare.css';
import './sidebar.css';
import type { ExtensionToSidebar, SidebarToExtension } from '../../src/shared/messages';
import { usePageTranslations } from '../shared/l10n';
import { onExtensionMessage, vscodeApi } from '../shared/vscodeApi';
import { RunsSidebar } from './runsSidebar';

// Entry of the runs sidebar bundle (dist/webview/sidebar.js + sidebar.css).

usePageTranslations();
const api = vscodeApi<SidebarToExtension, { checked: string[] }>();
const view = new RunsSidebar(document.getElementById('app') ?? document.body, api);
onExtensionMessage<ExtensionToSidebar>((message) => view.receive(message));
api.post({ type: 'ready' });
