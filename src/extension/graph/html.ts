import { contentSecurityPolicy, webviewPageHtml, type WebviewPageResources } from '../webviewPage';
import { tr } from '../../shared/l10n/translate';

// The graph webview's page: the shared page with the graph's mount point.

export type GraphPageResources = WebviewPageResources;
/** The graph page's CSP: the shared one, with the layout worker (webview/graph/layoutRunner.ts). */
export const graphContentSecurityPolicy = (cspSource: string, nonce: string): string =>
  contentSecurityPolicy(cspSource, nonce, { workers: true });

export function graphHtml(r: GraphPageResources): string {
  return webviewPageHtml(r, { title: tr('Model graph'), body: '<div id="app"></div>', workers: true });
}
