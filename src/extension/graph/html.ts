import { contentSecurityPolicy, webviewPageHtml, type WebviewPageResources } from '../webviewPage';
import { tr } from '../../shared/l10n/translate';

// The graph webview's page: the shared page with the graph's mount point.

export type GraphPageResources = WebviewPageResources;
export const graphContentSecurityPolicy = contentSecurityPolicy;

export function graphHtml(r: GraphPageResources): string {
  return webviewPageHtml(r, { title: tr('Model graph'), body: '<div id="app"></div>' });
}
