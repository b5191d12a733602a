import { webviewPageHtml, type WebviewPageResources } from '../webviewPage';
import { tr } from '../../shared/l10n/translate';

// The sweep webview's page: the shared page with a placeholder until the runs arrive.

export function sweepHtml(r: WebviewPageResources): string {
  return webviewPageHtml(r, {
    title: tr('Runs as a sweep'),
    body: `<main id="app" aria-label="${tr('Runs as a sweep')}"><p class="empty">${tr('Loading runs…')}</p></main>`,
  });
}
