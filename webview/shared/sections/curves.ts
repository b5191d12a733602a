import type { Comparison, Curve } from '../../../src/runs/compare';
import { lineChart, type Dash, type LineSeries } from '../charts/lineChart';
import { custom, el } from '../dom';
import { decimal, learningRate, percent } from '../../../src/shared/format';
import { runClass, runTitle } from '../runs';

// Overlaid training curves: one chart for loss, one for accuracy (and the learning rate when it
// differs or changes). Colour says which run, the dash says which split: train solid,
// validation dashed, test dotted. Per-step training curves can be laid underneath.

const SPLITS: { split: 'train' | 'val' | 'test'; dash: Dash; label: string }[] = [
  { split: 'train', dash: 'solid', label: 'train' },
  { split: 'val', dash: 'dashed', label: 'validation' },
  { split: 'test', dash: 'dotted', label: 'test' },
];

function seriesFor(c: Comparison, metric: string, dash: Dash, label: string, format: (v: number) => string, faint = false): LineSeries[] {
  const curve: Curve | undefined = c.curves[metric];
  if (!curve) return [];
  return curve.map((points, k) => ({
    colourClass: runClass(k), dash, points, faint,
    describe: (p: [number, number]) => `${runTitle(c.runs[k]!, k)} · ${label} · epoch ${Number(p[0].toFixed(2))}: ${format(p[1])}`,
    data: { run: String(k), metric },
  }));
}

function chartFor(c: Comparison, kind: 'loss' | 'accuracy', steps: boolean): HTMLElement | null {
  const format = kind === 'accuracy' ? (v: number) => percent(v) : (v: number) => decimal(v);
  const series = SPLITS.flatMap((s) => seriesFor(c, `${s.split}_${kind}`, s.dash, `${s.label} ${kind}`, format));
  if (steps) series.push(...seriesFor(c, `batch_${kind}`, 'solid', `per-step train ${kind}`, format, true));
  if (!series.some((s) => s.points.length)) return null;
  const title = kind === 'loss' ? 'Loss' : 'Accuracy';
  return el('figure', { class: `chart-box ${kind}` }, el('figcaption', {}, title),
    lineChart({
      title: `${title} per epoch, one colour per run`, xLabel: 'epoch', yLabel: kind, series,
      yFormat: kind === 'accuracy' ? (v) => `${Math.round(v * 100)}%` : (v) => decimal(v, 2),
      yDomain: kind === 'accuracy' ? [Math.min(...series.flatMap((s) => s.points.map((p) => p[1])), 0.9) - 0.02, 1] : undefined,
    }));
}

function lrChart(c: Comparison): HTMLElement | null {
  const lr = c.curves.lr;
  if (!lr) return null;
  const values = new Set(lr.flatMap((s) => s.map((p) => p[1])));
  if (values.size <= 1) return null; // one constant rate for everyone: nothing to see
  return el('figure', { class: 'chart-box lr' }, el('figcaption', {}, 'Learning rate'),
    lineChart({
      title: 'Learning rate per epoch', xLabel: 'epoch', yLabel: 'lr', yFormat: learningRate,
      series: seriesFor(c, 'lr', 'solid', 'learning rate', (v) => String(v)),
    }));
}

function legend(c: Comparison): HTMLElement {
  return el('div', { class: 'legend', 'aria-label': 'Legend' },
    ...c.runs.map((run, k) => el('span', { class: `legend-run ${runClass(k)}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), runTitle(run, k))),
    ...SPLITS.map((s) => el('span', { class: `legend-dash dash-${s.dash}` }, el('span', { class: 'dash-sample', 'aria-hidden': 'true' }), s.label)));
}

export function curvesSection(c: Comparison, steps: boolean, onSteps: (on: boolean) => void): HTMLElement {
  const hasSteps = Boolean(c.curves.batch_loss || c.curves.batch_accuracy);
  const charts = [chartFor(c, 'loss', steps), chartFor(c, 'accuracy', steps), lrChart(c)].filter((x): x is HTMLElement => x !== null);
  const section = el('section', { class: 'curves', 'aria-labelledby': 'curves-h' }, el('h2', { id: 'curves-h' }, 'Curves'), legend(c));
  if (hasSteps) {
    const box = custom('vscode-checkbox', { label: 'per-step training curves', checked: steps, class: 'steps-toggle', 'data-focus-key': 'steps' });
    box.addEventListener('change', () => onSteps(Boolean((box as unknown as { checked: boolean }).checked)));
    section.append(box);
  }
  section.append(charts.length ? el('div', { class: 'chart-row' }, ...charts) : el('p', { class: 'muted' }, 'No epoch has finished yet.'));
  return section;
}
