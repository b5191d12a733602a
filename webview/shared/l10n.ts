import { tr, useTranslations } from '../../src/shared/l10n/translate';

// A webview speaks the editor's display language: the host puts that language's table in the
// page (src/extension/webviewPage.ts) and the view reads it before it draws anything, so that
// every message webview code and the pure rooms it uses pass to `tr` translates.

export function usePageTranslations(): void {
  const block = document.getElementById('cnn-l10n');
  const language = document.documentElement.lang || 'en';
  if (!block?.textContent) return;
  try {
    useTranslations(JSON.parse(block.textContent) as Record<string, string>, language);
  } catch {
    // A page without a readable table shows English rather than nothing.
  }
}

const RUN_STATUS: Readonly<Record<string, () => string>> = {
  running: () => tr('running'),
  completed: () => tr('completed'),
  stopped: () => tr('stopped'),
  failed: () => tr('failed'),
  interrupted: () => tr('interrupted'),
  damaged: () => tr('damaged'),
};

/** A run's status (`completed`, `failed`…) in the display language. */
export function runStatusLabel(status: string): string {
  return RUN_STATUS[status]?.() ?? status;
}
