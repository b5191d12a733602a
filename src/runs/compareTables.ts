// A comparison's tables as data (src/shared/tableFormats.ts writes them as Markdown, CSV or
// LaTeX): the runs, the settings that differ, the best and final metrics, per-class accuracy, and
// curves. The compare view's export buttons and `cnn-explorer runs compare --format md|csv` (and
// `runs show --curves csv`) write these, so a table pasted elsewhere reads as the view shows it,
// with raw numbers in CSV. Pure.
import { EPOCH_METRICS, type Comparison } from './compare';
import { formatConfigValue } from './configDiff';
import { decimal, duration, percent, points } from '../shared/format';
import { cell, type DataTable, type TableCell } from '../shared/tableFormats';

/** How the view and the exports name each epoch metric. */
export const METRIC_LABELS: Record<string, string> = {
  train_loss: 'train loss', train_accuracy: 'train accuracy', val_loss: 'validation loss',
  val_accuracy: 'validation accuracy', test_loss: 'test loss', test_accuracy: 'test accuracy',
  lr: 'learning rate', batch_loss: 'per-step train loss', batch_accuracy: 'per-step train accuracy',
};

/** `#2 CNN plain` (the name the user gave, else the id): how a column names its run. */
function runTitle(c: Comparison, k: number): string {
  const run = c.runs[k]!;
  return `#${k + 1} ${run.name ?? run.id}`;
}

const right = (header: string) => ({ header, align: 'right' as const });

/** One row per run: what the `#k` in the other tables' headers stands for. */
export function runsTable(c: Comparison): DataTable {
  return {
    columns: [{ header: 'run' }, { header: 'id' }, { header: 'name' }, { header: 'model' }, { header: 'dataset' },
      { header: 'status' }, right('epochs'), right('best epoch'), { header: 'backend' }, right('duration')],
    rows: c.runs.map((r, k) => [
      cell(`#${k + 1}`), cell(r.id), cell(r.name ?? ''), cell(`${r.model.name} (${r.model.export})`), cell(r.dataset ?? '—'),
      cell(r.status), cell(`${r.epochsCompleted}/${r.epochsPlanned}`), cell(r.bestEpoch === null ? '—' : String(r.bestEpoch), r.bestEpoch),
      cell(r.backendLabel ?? '—'), cell(duration(r.wallSeconds), r.wallSeconds),
    ]),
  };
}

/** The settings whose values differ, one column per run (empty rows when none differ). */
export function configDiffTable(c: Comparison): DataTable {
  return {
    columns: [{ header: 'setting' }, ...c.runs.map((_, k) => ({ header: runTitle(c, k) }))],
    rows: Object.entries(c.configDiff).map(([key, values]) => [
      cell(key), ...values.map((v) => cell(formatConfigValue(v), typeof v === 'number' ? v : undefined)),
    ]),
  };
}

/** Best and final epoch of each run, per metric: two columns per run, as the view lays them out. */
export function metricsTable(c: Comparison): DataTable {
  const columns = [{ header: 'metric' }, ...c.runs.flatMap((_, k) => [right(`${runTitle(c, k)} best`), right(`${runTitle(c, k)} final`)])];
  const rows: TableCell[][] = [[cell('epoch'), ...c.runs.flatMap((_, k) => {
    const best = c.metrics.epoch.best[k] ?? null, final = c.metrics.epoch.final[k] ?? null;
    return [cell(best === null ? '—' : String(best), best), cell(final === null ? '—' : String(final), final)];
  })]];
  for (const m of EPOCH_METRICS) {
    const { best, final } = c.metrics[m];
    if (best.every((v) => v === null) && final.every((v) => v === null)) continue;
    const fmt = (v: number | null | undefined) => cell(m.endsWith('accuracy') ? percent(v) : decimal(v), v ?? null);
    rows.push([cell(METRIC_LABELS[m] ?? m), ...c.runs.flatMap((_, k) => [fmt(best[k]), fmt(final[k])])]);
  }
  // One figure per run: written under both of its columns.
  const perRun = (label: string, of: (k: number) => TableCell) => [cell(label), ...c.runs.flatMap((_, k) => [of(k), of(k)])];
  rows.push(perRun('train images/s', (k) => {
    const v = c.runs[k]!.trainImagesPerSecond;
    return v ? cell(String(Math.round(v)), v) : cell('—', null);
  }));
  rows.push(perRun('duration', (k) => cell(duration(c.runs[k]!.wallSeconds), c.runs[k]!.wallSeconds)));
  return { columns, rows };
}

/** Test accuracy per class at each run's best epoch; after run #1, the change in points. */
export function perClassTable(c: Comparison): DataTable {
  const pc = c.perClassAccuracy;
  return {
    columns: [{ header: 'class' }, ...c.runs.map((_, k) => right(runTitle(c, k)))],
    rows: pc.classNames.map((name, cls) => [cell(name), ...pc.runs.map((row, k) => {
      const v = row[cls];
      if (v === undefined) return cell('—', null);
      const d = c.perClassDelta[k]?.[cls];
      return cell(k > 0 && d !== undefined ? `${percent(v)} (${points(d)})` : percent(v), v);
    })]),
  };
}

/**
 * The curves `metrics` as one table: the epoch (fractional for per-step curves), then one column
 * per metric and run (per metric alone for one run); empty where a run has no point there.
 */
export function curvesTable(c: Comparison, metrics: readonly string[]): DataTable {
  const series = metrics.flatMap((m) => (c.curves[m] ?? []).map((curve, k) => ({
    header: c.runs.length > 1 ? `${m} ${runTitle(c, k)}` : m,
    values: new Map(curve.map(([x, y]) => [x, y])),
  })));
  const xs = [...new Set(series.flatMap((s) => [...s.values.keys()]))].sort((a, b) => a - b);
  const number = (v: number) => cell(String(v), v);
  return {
    columns: [right('epoch'), ...series.map((s) => right(s.header))],
    rows: xs.map((x) => [number(x), ...series.map((s) => {
      const v = s.values.get(x);
      return v === undefined ? cell('', null) : number(v);
    })]),
  };
}
