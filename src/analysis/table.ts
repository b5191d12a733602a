import type { ModelIR } from '../dsl/ir';
import { byteSize, compactCount, exactCount } from '../shared/format';
import { formatField, formatShape } from './format';
import type { ModelAnalysis } from './types';

// The human summary: a torchinfo/Keras-like table, then the totals. Pure text, so the CLI
// prints it and tests read it without a terminal.

const COLUMNS = ['Layer', 'Type', 'Output', 'Params', 'MACs', 'Receptive field'] as const;
/** Numeric columns read best right-aligned. Params are the trainable ones, as torchinfo lists them. */
const RIGHT = new Set([3, 4]);

export function formatSummaryTable(ir: ModelIR, exportName: string, analysis: ModelAnalysis): string {
  const rows = ir.nodes.map((node, i) => {
    const a = analysis.nodes[i]!;
    return [
      node.path,
      node.op.type,
      formatShape(a.outputShape),
      exactCount(a.params.trainable),
      exactCount(a.macs),
      formatField(a.receptiveField),
    ];
  });
  const widths = COLUMNS.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (RIGHT.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const rule = '─'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  const t = analysis.totals;
  return [
    `${ir.name} (export ${exportName}), input ${formatShape(ir.inputShape)}`,
    rule,
    line(COLUMNS),
    rule,
    ...rows.map(line),
    rule,
    `Trainable params:      ${exactCount(t.trainableParams)}`,
    `Non-trainable params:  ${exactCount(t.nonTrainableParams)}`,
    `Total params:          ${exactCount(t.trainableParams + t.nonTrainableParams)} (${byteSize((t.trainableParams + t.nonTrainableParams) * 4)} as float32)`,
    `MACs per image:        ${compactCount(t.macs)}`,
    `Activations per image: ${byteSize(t.activationBytes)}`,
    `Output shape:          ${formatShape(t.outputShape)}`,
  ].join('\n');
}

