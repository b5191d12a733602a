import { formatConfigValue } from '../../src/runs/configDiff';
import { SWEEP_METRICS, type SweepMetric, type SweepTable } from '../../src/shared/messages';
import { tr } from '../../src/shared/l10n/translate';
import { decimal, duration, learningRate, percent, plainNumber } from '../../src/shared/format';

// The sweep view's model, pure (no DOM): which columns (one per varying hyperparameter, then
// one per metric), how each is scaled on its parallel-coordinates axis, and which rows the text
// filter and the axes' brushes let through, in which order. The view only draws this.

/** `linear`/`log`: a numeric axis; `point`: categories, one tick each. */
export type ColumnScale = 'linear' | 'log' | 'point';

export interface Column {
  key: string;
  label: string;
  scale: ColumnScale;
  /** Numeric columns: [min, max] of the values (equal when they all are). */
  domain: [number, number] | null;
  /** Point columns: the categories, in first-seen order. */
  categories: string[];
  /** Whether larger is better (colour legends and default sort of metrics); null for hyperparameters. */
  higherIsBetter: boolean | null;
}

/** A cell: a number on numeric columns, a category on point columns; null when the run has none. */
export type Cell = number | string | null;

export interface Row {
  id: string;
  label: string;
  status: string;
  cells: Cell[];
  /** Lower-cased text the text filter searches (label, id, status, every cell as shown). */
  haystack: string;
}

export interface SweepModel {
  columns: Column[];
  rows: Row[];
}

/** A brush on one axis: a numeric range (inclusive), or the categories it covers. */
export type Brush = { kind: 'range'; lo: number; hi: number } | { kind: 'set'; values: string[] };

const METRIC_LABELS: Record<SweepMetric, () => string> = {
  bestTestAccuracy: () => tr('best test accuracy'),
  finalTestAccuracy: () => tr('final test accuracy'),
  bestTestLoss: () => tr('best test loss'),
  finalTestLoss: () => tr('final test loss'),
  imagesPerSecond: () => tr('images/s'),
  seconds: () => tr('duration'),
};

const HIGHER_IS_BETTER: Record<SweepMetric, boolean> = {
  bestTestAccuracy: true, finalTestAccuracy: true, bestTestLoss: false, finalTestLoss: false, imagesPerSecond: true, seconds: false,
};

/** Learning rates span decades: their axes are logarithmic (`optimizer.lr`, `freeze.lrAfter`). */
function isLearningRate(key: string): boolean {
  return /(^|\.)(lr|lrAfter|learningRate)$/.test(key);
}

function numericColumn(key: string, label: string, values: readonly (number | null)[], higherIsBetter: boolean | null): Column {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const domain: [number, number] | null = present.length ? [Math.min(...present), Math.max(...present)] : null;
  const log = isLearningRate(key) && domain !== null && domain[0] > 0;
  return { key, label, scale: log ? 'log' : 'linear', domain, categories: [], higherIsBetter };
}

export function buildModel(table: SweepTable): SweepModel {
  const columns: Column[] = [];
  const columnCells: Cell[][] = [];
  table.params.forEach((key, p) => {
    const values = table.runs.map((r) => r.params[p] ?? null);
    if (values.every((v) => v === null || typeof v === 'number')) {
      columns.push(numericColumn(key, key, values as (number | null)[], null));
      columnCells.push(values as (number | null)[]);
    } else {
      // Mixed or non-numeric values (optimizer.type, model.name, arrays): one category per value as the config diff writes it.
      const cells = values.map((v) => formatConfigValue(v));
      columns.push({ key, label: key, scale: 'point', domain: null, categories: [...new Set(cells)], higherIsBetter: null });
      columnCells.push(cells);
    }
  });
  SWEEP_METRICS.forEach((m, k) => {
    const values = table.runs.map((r) => r.metrics[k] ?? null);
    if (values.every((v) => v === null)) return; // e.g. no run finished an epoch yet
    columns.push(numericColumn(m, METRIC_LABELS[m](), values, HIGHER_IS_BETTER[m]));
    columnCells.push(values);
  });
  const rows = table.runs.map((r, i): Row => {
    const cells = columnCells.map((c) => c[i]!);
    const shown = columns.map((col, c) => formatCell(col, cells[c]!));
    return { id: r.id, label: r.label, status: r.status, cells, haystack: [r.label, r.id, r.status, ...shown].join('\n').toLowerCase() };
  });
  return { columns, rows };
}

/** A cell as the table shows it. */
export function formatCell(column: Column, value: Cell): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  switch (column.key as SweepMetric) {
    case 'bestTestAccuracy': case 'finalTestAccuracy': return percent(value);
    case 'bestTestLoss': case 'finalTestLoss': return decimal(value);
    case 'imagesPerSecond': return String(Math.round(value));
    case 'seconds': return duration(value);
    default: return column.scale === 'log' ? learningRate(value) : plainNumber(value);
  }
}

function passes(cell: Cell, brush: Brush): boolean {
  if (brush.kind === 'set') return cell !== null && brush.values.includes(String(cell));
  return typeof cell === 'number' && cell >= brush.lo && cell <= brush.hi;
}

/** Indices of the rows that match the text (any of its words, case-insensitive, all required) and every brush. */
export function filterRows(model: SweepModel, brushes: ReadonlyMap<string, Brush>, text: string): number[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const active = [...brushes].map(([key, brush]) => ({ c: model.columns.findIndex((col) => col.key === key), brush })).filter((b) => b.c >= 0);
  const out: number[] = [];
  model.rows.forEach((row, i) => {
    if (!words.every((w) => row.haystack.includes(w))) return;
    if (!active.every(({ c, brush }) => passes(row.cells[c]!, brush))) return;
    out.push(i);
  });
  return out;
}

/** What the table is sorted by: a column's index, or -1 for the run's name. */
export interface SortOrder { column: number; descending: boolean }

/** The row indices sorted (a stable sort; runs without a value last, either direction). */
export function sortRows(model: SweepModel, indices: readonly number[], order: SortOrder | null): number[] {
  if (!order) return [...indices];
  const key = (i: number): Cell => (order.column < 0 ? model.rows[i]!.label : model.rows[i]!.cells[order.column]!);
  const sign = order.descending ? -1 : 1;
  return [...indices].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return sign * d;
  });
}

/** The column that colours the lines by default: the best test accuracy, else the first metric. */
export function defaultColourColumn(model: SweepModel): number {
  const best = model.columns.findIndex((c) => c.key === 'bestTestAccuracy');
  if (best >= 0) return best;
  return model.columns.findIndex((c) => c.higherIsBetter !== null);
}
