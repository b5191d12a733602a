import type { ModelIR } from '../dsl/ir';
import { byteSize, compactCount, exactCount } from '../shared/format';
import { displayWidth, padToWidth } from '../shared/l10n/textWidth';
import { tr } from '../shared/l10n/translate';
import { cell, type DataTable } from '../shared/tableFormats';
import { formatField, formatShape } from './format';
import type { ModelAnalysis } from './types';

// The human summary: a torchinfo/Keras-like table, then the totals. Pure text, so the CLI
// prints it and tests read it without a terminal. The table and the totals are also what the
// Markdown, CSV and LaTeX exports write (summaryFormats.ts).

/** Params are the trainable ones, as torchinfo lists them; numbers read best right-aligned. */
function columns(): DataTable['columns'] {
  return [
    { header: tr('Layer') }, { header: tr('Type') }, { header: tr('Output') },
    { header: tr('Params'), align: 'right' }, { header: tr('MACs'), align: 'right' }, { header: tr('Receptive field') },
  ];
}

/** One row per layer and merge: the cells as printed, with the raw counts for CSV. */
export function summaryDataTable(ir: ModelIR, analysis: ModelAnalysis): DataTable {
  return {
    columns: columns(),
    rows: ir.nodes.map((node, i) => {
      const a = analysis.nodes[i]!;
      return [
        cell(node.path),
        cell(node.op.type),
        cell(formatShape(a.outputShape)),
        cell(exactCount(a.params.trainable), a.params.trainable),
        cell(exactCount(a.macs), a.macs),
        cell(formatField(a.receptiveField), a.receptiveField ? undefined : null),
      ];
    }),
  };
}

/** `Model (export name), input 28×28×1`: what the table is of. */
export function summaryTitle(ir: ModelIR, exportName: string): string {
  return tr('{0} (export {1}), input {2}', ir.name, exportName, formatShape(ir.inputShape));
}

/** The totals under the table, as label and value. */
export function summaryTotals(analysis: ModelAnalysis): [string, string][] {
  const t = analysis.totals;
  return [
    [tr('Trainable params'), exactCount(t.trainableParams)],
    [tr('Non-trainable params'), exactCount(t.nonTrainableParams)],
    [tr('Total params'), tr('{0} ({1} as float32)', exactCount(t.trainableParams + t.nonTrainableParams), byteSize((t.trainableParams + t.nonTrainableParams) * 4))],
    [tr('MACs per image'), compactCount(t.macs)],
    [tr('Activations per image'), byteSize(t.activationBytes)],
    [tr('Output shape'), formatShape(t.outputShape)],
  ];
}

export function formatSummaryTable(ir: ModelIR, exportName: string, analysis: ModelAnalysis): string {
  const table = summaryDataTable(ir, analysis);
  const header = table.columns.map((c) => c.header);
  const rows = table.rows.map((r) => r.map((c) => c.text));
  const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((text, c) => padToWidth(text, widths[c]!, table.columns[c]!.align === 'right')).join('  ').trimEnd();
  const rule = '─'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  const totals = summaryTotals(analysis);
  const labelWidth = Math.max(...totals.map(([label]) => displayWidth(label))) + 2;
  return [
    summaryTitle(ir, exportName),
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    ...totals.map(([label, value]) => `${padToWidth(tr('{0}:', label), labelWidth)}${value}`),
  ].join('\n');
}
