import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatSummaryAs } from '../../analysis/summaryFormats';
import type { AnalyzedModel } from '../../analysis/types';
import { TABLE_FORMAT_EXTENSION, type TableFormat } from '../../shared/tableFormats';
import { deliverExport } from '../deliverExport';

// CNN: Export Summary…: the summary table as Markdown, CSV or LaTeX (the text of
// `cnn-explorer summary --format …`), copied to the clipboard or saved next to the model file.

export async function exportSummary(source: vscode.Uri, model: AnalyzedModel): Promise<void> {
  const format = await vscode.window.showQuickPick<vscode.QuickPickItem & { format: TableFormat }>([
    { label: 'Markdown', description: vscode.l10n.t('a table for READMEs, issues and notes'), format: 'md' },
    { label: 'CSV', description: vscode.l10n.t('one row per layer, counts as plain numbers'), format: 'csv' },
    { label: 'LaTeX', description: vscode.l10n.t('a booktabs tabular'), format: 'latex' },
  ], { title: vscode.l10n.t('Export the summary of {0}', model.model.name), placeHolder: vscode.l10n.t('Format') });
  if (!format) return;
  const copy = vscode.l10n.t('Copy to Clipboard');
  const save = vscode.l10n.t('Save As…');
  const to = await vscode.window.showQuickPick([{ label: copy }, { label: save }], { title: vscode.l10n.t('Export the summary as {0}', format.label) });
  if (!to) return;
  const base = path.basename(source.path).replace(/\.cnn\.ts$/, '');
  const suffix = model.exportName === 'default' ? '' : `.${model.exportName}`;
  await deliverExport({
    format: format.format,
    data: formatSummaryAs(model.model, model.exportName, model.analysis, format.format),
    suggestedName: `${base}${suffix}.summary.${TABLE_FORMAT_EXTENSION[format.format]}`,
    to: to.label === copy ? 'clipboard' : 'file',
    what: vscode.l10n.t('summary'),
  }, vscode.Uri.joinPath(source, '..'));
}
