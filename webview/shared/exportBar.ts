import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ExportRequest } from '../../src/shared/messages';
import { tr } from '../../src/shared/l10n/translate';
import { custom, el } from './dom';

// The row of small buttons that exports a table or a chart. A view makes what is exported (the
// text, or the image) and hands it to its host through an Exporter, which copies or saves it.

/** What a view does with an export: post it to its host. */
export type Exporter = (request: Omit<ExportRequest, 'type'>) => void;

export interface ExportButton {
  /** `svg`, `md`, `csv-file`: the button's `data-export`, unique in its bar. */
  id: string;
  label: string;
  title: string;
  run: () => void;
}

/** `name` (`metrics`, `loss`) keys the buttons for focus after a redraw; `what` is read out. */
export function exportBar(name: string, what: string, buttons: ExportButton[]): HTMLElement {
  return el('div', { class: 'export-bar', role: 'toolbar', 'aria-label': `Export the ${what}` }, ...buttons.map((b) => {
    const node = custom('vscode-button', { secondary: true, title: b.title, class: 'export-button', 'data-export': b.id, 'data-focus-key': `export:${name}:${b.id}` }, b.label);
    node.addEventListener('click', b.run);
    return node;
  }));
}

/** Copy as Markdown, copy as CSV, save as CSV: the buttons of a table. */
export function tableExportBar(name: string, what: string, text: { md: () => string; csv: () => string }, exporter: Exporter): HTMLElement {
  const send = (format: 'md' | 'csv', to: 'file' | 'clipboard') =>
    exporter({ format, data: text[format](), suggestedName: `${name}.${format}`, to, what });
  return exportBar(name, what, [
    { id: 'md', label: 'Markdown', title: tr('Copy the {0} as a Markdown table', what), run: () => send('md', 'clipboard') },
    { id: 'csv', label: 'CSV', title: tr('Copy the {0} as CSV', what), run: () => send('csv', 'clipboard') },
    { id: 'csv-file', label: tr('Save CSV…'), title: tr('Save the {0} as a CSV file', what), run: () => send('csv', 'file') },
  ]);
}
