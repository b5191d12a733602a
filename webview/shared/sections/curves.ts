import type { Comparison, Curve } from '../../../src/runs/compare';
import { chartExportBar } from '../charts/exportChart';
import { lineChart, type Dash, type LineSeries } from '../charts/lineChart';
import { custom, el } from '../dom';
import type { Exporter } from '../exportBar';
import { decimal, learningRate, percent } from '../../../src/shared/format';
import { tr } from '../../../src/shared/l10n/translate';
import { runClass, runTitle } from '../runs';

// Overlaid training curves: one chart for loss, one for accuracy (and the learning rate when it
// differs or changes). Colour says which run, the dash says which split: train solid,
// validation dashed, test dotted. Per-step training curves can be laid underneath: by default
// while every run has fewer than SHORT_RUN_EPOCHS epochs (a one-epoch run's epoch curves are one
// dot each), on the reader's say otherwise.

/** Runs shorter than this (epochs finished) show their per-step curves unless the reader says no. */
const SHORT_RUN_EPOCHS = 5;

const SPLITS: { split: 'train' | 'val' | 'test'; dash: Dash; label: () => string }[] = [
  { split: 'train', dash: 'solid', label: () => tr('train') },
  { split: 'val', dash: 'dashed', label: () => tr('validation') },
  { split: 'test', dash: 'dotted', label: () => tr('test') },
];

/** `loss`, `accuracy` in the display language. */
function metricLabel(kind: 'loss' | 'accuracy'): string {
  return kind === 'loss' ? tr('loss') : tr('accuracy');
}

function seriesFor(c: Comparison, metric: string, dash: Dash, label: string, format: (v: number) => string, faint = false): LineSeries[] {
  const curve: Curve | undefined = c.curves[metric];
  if (!curve) return [];
  return curve.map((points, k) => ({
    colourClass: runClass(k), dash, points, faint,
    describe: (p: [number, number]) => `${runTitle(c.runs[k]!, k)} · ${label} · ${tr('epoch {0}: {1}', Number(p[0].toFixed(2)), format(p[1]))}`,
    data: { run: String(k), metric },
  }));
}

function chartFor(c: Comparison, kind: 'loss' | 'accuracy', steps: boolean): HTMLElement | null {
  const format = kind === 'accuracy' ? (v: number) => percent(v) : (v: number) => decimal(v);
  const series = SPLITS.flatMap((s) => seriesFor(c, `${s.split}_${kind}`, s.dash, tr('{split} {metric}', { split: s.label(), metric: metricLabel(kind) }), format));
  if (steps) series.push(...seriesFor(c, `batch_${kind}`, 'solid', tr('per-step train {0}', metricLabel(kind)), format, true));
  if (!series.some((s) => s.points.length)) return null;
  const title = kind === 'loss' ? tr('Loss') : tr('Accuracy');
  return el('figure', { class: `chart-box ${kind}` }, el('figcaption', {}, title),
    lineChart({
      title: tr('{0} per epoch, one colour per run', title), xLabel: tr('epoch'), yLabel: metricLabel(kind), series,
      yFormat: kind === 'accuracy' ? (v) => `${Math.round(v * 100)}%` : (v) => decimal(v, 2),
      yDomain: kind === 'accuracy' ? [lowest(series, 0.9) - 0.02, 1] : undefined,
    }));
}

/** The lowest value of the series, at most `cap` (a loop: spreading 100,000 steps overflows the stack). */
function lowest(series: LineSeries[], cap: number): number {
  let low = cap;
  for (const s of series) for (const p of s.points) if (p[1] < low) low = p[1];
  return low;
}

function lrChart(c: Comparison): HTMLElement | null {
  const lr = c.curves.lr;
  if (!lr) return null;
  const values = new Set(lr.flatMap((s) => s.map((p) => p[1])));
  if (values.size <= 1) return null; // one constant rate for everyone: nothing to see
  return el('figure', { class: 'chart-box lr' }, el('figcaption', {}, tr('Learning rate')),
    lineChart({
      title: tr('Learning rate per epoch'), xLabel: tr('epoch'), yLabel: 'lr', yFormat: learningRate,
      series: seriesFor(c, 'lr', 'solid', tr('learning rate'), (v) => String(v)),
    }));
}

/** The curves a chart draws: what its CSV holds. */
function chartMetrics(kind: 'loss' | 'accuracy' | 'lr', steps: boolean): string[] {
  if (kind === 'lr') return ['lr'];
  return [...SPLITS.map((s) => `${s.split}_${kind}`), ...(steps ? [`batch_${kind}`] : [])];
}

function legend(c: Comparison): HTMLElement {
  return el('div', { class: 'legend', 'aria-label': tr('Legend') },
    ...c.runs.map((run, k) => el('span', { class: `legend-run ${runClass(k)}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), runTitle(run, k))),
    ...SPLITS.map((s) => el('span', { class: `legend-dash dash-${s.dash}` }, el('span', { class: 'dash-sample', 'aria-hidden': 'true' }), s.label())));
}

/**
 * The curves section. `chosen`: whether the reader turned the per-step curves on or off (null:
 * not yet, and short runs show them). `exporter`: where the charts' export buttons send their
 * SVG, PNG and CSV (none: no buttons).
 */
export function curvesSection(c: Comparison, chosen: boolean | null, onSteps: (on: boolean) => void, exporter?: Exporter): HTMLElement {
  const hasSteps = Boolean(c.curves.batch_loss || c.curves.batch_accuracy);
  const steps = chosen ?? c.runs.every((r) => r.epochsCompleted < SHORT_RUN_EPOCHS);
  const charts = (['loss', 'accuracy', 'lr'] as const).flatMap((kind) => {
    const figure = kind === 'lr' ? lrChart(c) : chartFor(c, kind, steps);
    // With an exporter (the compare view), each chart saves as SVG, PNG and CSV.
    if (figure && exporter) {
      figure.append(chartExportBar(figure.querySelector('svg')!, c, kind, figure.querySelector('figcaption')?.textContent ?? kind, chartMetrics(kind, steps), exporter));
    }
    return figure ? [figure] : [];
  });
  const section = el('section', { class: 'curves', 'aria-labelledby': 'curves-h' }, el('h2', { id: 'curves-h' }, tr('Curves')), legend(c));
  if (hasSteps) {
    const box = custom('vscode-checkbox', { label: tr('per-step training curves'), checked: steps, class: 'steps-toggle', 'data-focus-key': 'steps' });
    box.addEventListener('change', () => onSteps(Boolean((box as unknown as { checked: boolean }).checked)));
    section.append(box);
  }
  section.append(charts.length ? el('div', { class: 'chart-row' }, ...charts) : el('p', { class: 'muted' }, tr('No epoch has finished yet.')));
  return section;
}
