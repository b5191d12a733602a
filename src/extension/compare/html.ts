import { webviewPageHtml, type WebviewPageResources } from '../webviewPage';
import { tr } from '../../shared/l10n/translate';

// The compare webview's page: the shared page with a placeholder until the runs arrive.

export type ComparePageResources = WebviewPageResources;

export function compareHtml(r: ComparePageResources): string {
  return webviewPageHtml(r, {
    title: tr('Compare runs'),
    body: `<main id="app" aria-label="${tr('Run comparison')}"><p class="empty">${tr('Loading runs…')}</p></main>`,
  });
}
