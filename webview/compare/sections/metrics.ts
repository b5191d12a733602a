import { EPOCH_METRICS, type Comparison } from '../../../src/runs/compare';
import { METRIC_LABELS, metricsTable } from '../../../src/runs/compareTables';
import { toCsv, toMarkdown } from '../../../src/shared/tableFormats';
import { el } from '../../shared/dom';
import { tableExportBar, type Exporter } from '../../shared/exportBar';
import { decimal, duration, percent } from '../../../src/shared/format';
import { tr } from '../../../src/shared/l10n/translate';
import { runClass, runTag } from '../../shared/runs';

// Best and final metrics side by side: for each run the epoch the trainer kept (best) and the
// last one. The best value of each row among the runs is marked (highest accuracy, lowest loss).
// The table exports as Markdown or CSV (src/runs/compareTables.ts: the same rows, raw numbers in CSV).

export function metricsSection(c: Comparison, exporter: Exporter): HTMLElement {
  const head1 = el('tr', {}, el('th', { scope: 'col', rowspan: 2 }, tr('metric')),
    ...c.runs.map((_, k) => el('th', { scope: 'colgroup', colspan: 2, class: `run-col ${runClass(k)}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), runTag(k))));
  const head2 = el('tr', {}, ...c.runs.flatMap(() => [el('th', { scope: 'col', class: 'sub' }, tr('best')), el('th', { scope: 'col', class: 'sub' }, tr('final'))]));
  const rows: HTMLElement[] = [
    el('tr', { 'data-metric': 'epoch' }, el('th', { scope: 'row' }, tr('epoch')),
      ...c.runs.flatMap((_, k) => [el('td', {}, String(c.metrics.epoch.best[k] ?? '—')), el('td', {}, String(c.metrics.epoch.final[k] ?? '—'))])),
  ];
  for (const m of EPOCH_METRICS) {
    const { best, final } = c.metrics[m];
    if (best.every((v) => v === null) && final.every((v) => v === null)) continue;
    const isAcc = m.endsWith('accuracy');
    const known = best.filter((v): v is number => v !== null);
    const winner = known.length > 1 ? (isAcc ? Math.max(...known) : Math.min(...known)) : null;
    const fmt = (v: number | null | undefined) => (isAcc ? percent(v) : decimal(v));
    rows.push(el('tr', { 'data-metric': m }, el('th', { scope: 'row' }, METRIC_LABELS[m] ?? m),
      ...c.runs.flatMap((_, k) => [
        el('td', { class: winner !== null && best[k] === winner ? 'winner' : '' }, fmt(best[k])),
        el('td', {}, fmt(final[k])),
      ])));
  }
  rows.push(el('tr', { 'data-metric': 'images_per_second' }, el('th', { scope: 'row' }, tr('train images/s')),
    ...c.runs.map((r) => el('td', { colspan: 2 }, r.trainImagesPerSecond ? String(Math.round(r.trainImagesPerSecond)) : '—'))));
  rows.push(el('tr', { 'data-metric': 'duration' }, el('th', { scope: 'row' }, tr('duration')),
    ...c.runs.map((r) => el('td', { colspan: 2 }, duration(r.wallSeconds)))));
  return el('section', { class: 'metrics', 'aria-labelledby': 'metrics-h' },
    el('h2', { id: 'metrics-h' }, tr('Best and final metrics')),
    tableExportBar('metrics', tr('metrics table'), { md: () => toMarkdown(metricsTable(c)), csv: () => toCsv(metricsTable(c)) }, exporter),
    el('table', { class: 'metrics-table' }, el('thead', {}, head1, head2), el('tbody', {}, ...rows)));
}
