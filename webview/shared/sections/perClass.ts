import type { Comparison } from '../../../src/runs/compare';
import { groupedBars } from '../charts/groupedBars';
import { el } from '../dom';
import { percent, points } from '../../../src/shared/format';
import { tr } from '../../../src/shared/l10n/translate';
import { runClass, runHeaderCells, runTag, runTitle } from '../runs';

// Per-class test accuracy at each run's best epoch: grouped bars (one colour per run), the
// deltas against run #1 as bars around zero, and the numbers in a table with the deltas.

export function perClassSection(c: Comparison): HTMLElement {
  const pc = c.perClassAccuracy;
  const section = el('section', { class: 'per-class', 'aria-labelledby': 'per-class-h' },
    el('h2', { id: 'per-class-h' }, tr('Per-class test accuracy (best epoch)')));
  if (!pc.runs.some((r) => r.length)) {
    section.append(el('p', { class: 'muted' }, tr('No run has a finished epoch yet.')));
    return section;
  }
  const all = pc.runs.flat();
  const low = Math.min(...all);
  section.append(el('figure', { class: 'chart-box wide' }, el('figcaption', {}, tr('Accuracy per class')),
    groupedBars({
      title: tr('Per-class accuracy, one bar per run'), groups: pc.classNames, yLabel: tr('accuracy'),
      domain: [low > 0.5 ? Math.floor(low * 10) / 10 - 0.1 : 0, 1], yFormat: (v) => `${Math.round(v * 100)}%`,
      series: pc.runs.map((values, k) => ({
        colourClass: runClass(k), values, data: { run: String(k), kind: 'accuracy' },
        describe: (g, v) => `${runTitle(c.runs[k]!, k)} · ${tr('class {0}: {1}', pc.classNames[g]!, percent(v))}`,
      })),
    })));
  const others = c.perClassDelta.map((d, k) => ({ d, k })).filter(({ d, k }) => k > 0 && d.length);
  if (others.length) {
    const maxAbs = Math.max(0.01, ...others.flatMap(({ d }) => d.map(Math.abs)));
    section.append(el('figure', { class: 'chart-box wide' }, el('figcaption', {}, tr('Change against {0} (percentage points)', runTag(0))),
      groupedBars({
        title: tr('Per-class accuracy change against run {0}', runTag(0)), groups: pc.classNames, yLabel: 'Δ pp',
        domain: [-maxAbs, maxAbs], yFormat: (v) => points(v, 0),
        series: others.map(({ d, k }) => ({
          colourClass: runClass(k), values: d, data: { run: String(k), kind: 'delta' },
          describe: (g, v) => `${runTitle(c.runs[k]!, k)} · ${tr('class {0}: {1} pp against {2}', pc.classNames[g]!, points(v), runTag(0))}`,
        })),
      })));
  }
  section.append(el('table', { class: 'per-class-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, tr('class')), ...runHeaderCells(c))),
    el('tbody', {}, ...pc.classNames.map((name, cls) => el('tr', { 'data-class': name },
      el('th', { scope: 'row' }, name),
      ...pc.runs.map((row, k) => {
        const v = row[cls];
        const d = c.perClassDelta[k]?.[cls];
        const cell = el('td', { 'data-run': k }, el('span', { class: 'value' }, percent(v)));
        if (k > 0 && d !== undefined) cell.append(' ', el('span', { class: `delta ${d > 0 ? 'up' : d < 0 ? 'down' : 'flat'}` }, `(${points(d)})`));
        return cell;
      }))))));
  return section;
}
