import type { ModelIR } from '../dsl/ir';
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
      withCommas(a.params.trainable),
      withCommas(a.macs),
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
    `Trainable params:      ${withCommas(t.trainableParams)}`,
    `Non-trainable params:  ${withCommas(t.nonTrainableParams)}`,
    `Total params:          ${withCommas(t.trainableParams + t.nonTrainableParams)} (${formatBytes((t.trainableParams + t.nonTrainableParams) * 4)} as float32)`,
    `MACs per image:        ${formatMacs(t.macs)}`,
    `Activations per image: ${formatBytes(t.activationBytes)}`,
    `Output shape:          ${formatShape(t.outputShape)}`,
  ].join('\n');
}

export function withCommas(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1.81 G`, `714.19 M`, `416.52 K`; exact below a thousand. */
export function formatMacs(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)} K`;
  return String(n);
}

/** Binary units, as memory is counted: `9.77 MiB`. */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(2)} KiB`;
  return `${n} B`;
}
