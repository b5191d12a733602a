import { formatSummaryTable } from '../../analysis/table';
import type { AnalyzedModel } from '../../analysis/types';
import { formatError, type LocatedError } from '../../dsl/errors';
import { tr } from '../../shared/l10n/translate';

// The text of the read-only summary document: the same table as `cnn-explorer summary`
// (src/analysis/table.ts, one implementation), with the model's problems under it and a note
// on top while the file does not evaluate. Pure.

export interface SummaryStatus {
  stale: boolean;
  error: LocatedError | null;
}

export function summaryText(results: readonly AnalyzedModel[], exportName: string, status: SummaryStatus): string {
  const result = results.find((r) => r.exportName === exportName);
  const note = status.error ? [`${status.stale ? `${tr('(stale)')} ` : ''}${tr('The file does not evaluate: {0}', formatError(status.error))}`, ''] : [];
  if (!result) {
    const exports = results.map((r) => r.exportName).join(', ') || tr('none');
    return [...note, tr("No exported model '{0}' (exports: {1}).", exportName, exports), ''].join('\n');
  }
  const { model, analysis } = result;
  const problems = analysis.diagnostics.map((d) => {
    const at = d.source ? `${d.source.line}:${d.source.column}: ` : '';
    return `${at}${d.severity === 'error' ? tr('error') : tr('warning')}: ${d.message}`;
  });
  return [
    ...note,
    formatSummaryTable(model, exportName, analysis),
    ...(problems.length > 0 ? ['', ...problems] : []),
    '',
  ].join('\n');
}
