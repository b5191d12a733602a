import { webviewPageHtml, type WebviewPageResources } from '../webviewPage';

// The compare webview's page: the shared page with a placeholder until the runs arrive.

export type ComparePageResources = WebviewPageResources;

export function compareHtml(r: ComparePageResources): string {
  return webviewPageHtml(r, {
    title: 'Compare runs',
    body: '<main id="app" aria-label="Run comparison"><p class="empty">Loading runs…</p></main>',
  });
}
