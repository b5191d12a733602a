import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { Comparison } from '../../../src/runs/compare';
import { heatmap } from '../../shared/charts/heatmap';
import { custom, el } from '../../shared/dom';
import { points } from '../../../src/shared/format';
import { tr } from '../../../src/shared/l10n/translate';
import { runTag, runTitle } from '../../shared/runs';

// The confusion-matrix difference: one run's row-normalised matrix minus run #1's, as a
// diverging heatmap. On the diagonal, positive is better (more of that class right); off it,
// positive means that mistake became more frequent.

export function confusionSection(c: Comparison, selected: number, onSelect: (run: number) => void): HTMLElement {
  const section = el('section', { class: 'confusion', 'aria-labelledby': 'confusion-h' },
    el('h2', { id: 'confusion-h' }, tr('Confusion matrix: change against {0}', runTag(0))));
  const candidates = c.confusion.deltaRates.map((d, k) => ({ d, k })).filter(({ d }) => d !== null);
  if (!candidates.length) {
    section.append(el('p', { class: 'muted' }, c.runs.length < 2 ? tr('Add a second run to see what changed.') : tr('Needs a finished epoch in both runs.')));
    return section;
  }
  const chosen = candidates.find(({ k }) => k === selected) ?? candidates[0]!;
  if (candidates.length > 1) {
    const select = custom('vscode-single-select', { 'aria-label': tr('Run to compare with run #1'), class: 'confusion-run', 'data-focus-key': 'confusion-run' });
    for (const { k } of candidates) {
      select.append(custom('vscode-option', { value: String(k), selected: k === chosen.k }, `${runTitle(c.runs[k]!, k)} − ${runTag(0)}`));
    }
    select.addEventListener('change', () => onSelect(Number((select as unknown as { value: string }).value)));
    section.append(select);
  }
  const d = chosen.d!;
  const maxAbs = Math.max(0.01, ...d.flat().map(Math.abs));
  const names = c.confusion.classNames;
  const counts = c.confusion.matrices;
  section.append(el('figure', { class: 'chart-box', 'data-run': chosen.k },
    el('figcaption', {}, tr('{0} − {1}, rates per true class (pp)', runTitle(c.runs[chosen.k]!, chosen.k), runTitle(c.runs[0]!, 0))),
    heatmap({
      title: tr('Confusion-matrix difference, run {0} minus run {1}', runTag(chosen.k), runTag(0)),
      rowLabels: names, colLabels: names, rowTitle: tr('true class'), colTitle: tr('predicted class'),
      values: d, maxAbs, labelThreshold: 0.005, format: (v) => points(v, 0),
      describe: (t, p, v) => tr('true {0}, predicted {1}: {2} pp ({3} vs {4} images)',
        names[t]!, names[p]!, points(v), counts[chosen.k]?.[t]?.[p] ?? '?', counts[0]?.[t]?.[p] ?? '?'),
    }),
    el('p', { class: 'muted legend-note' },
      el('span', { class: 'key pos', 'aria-hidden': 'true' }), ` ${tr('more often')}  `,
      el('span', { class: 'key neg', 'aria-hidden': 'true' }), ` ${tr('less often than in {0}', runTag(0))}`,
      tr('. On the diagonal more is better; off it, more is a mistake made more often.'))));
  return section;
}
