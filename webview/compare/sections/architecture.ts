import type { Comparison } from '../../../src/runs/compare';
import type { CompareArchitectureState } from '../../../src/shared/messages';
import { el } from '../../shared/dom';
import { exactCount } from '../../../src/shared/format';
import { tr } from '../../../src/shared/l10n/translate';
import { runClass, runTag } from '../../shared/runs';

// The architecture diff: each distinct network with its parameters and MACs (and which runs
// trained it), then the layers added, removed or changed from the first network to each other.

function runChips(runs: number[]): HTMLElement {
  return el('span', { class: 'chips' }, ...runs.map((k) => el('span', { class: `chip ${runClass(k)}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), runTag(k))));
}

const SIGN: Record<string, string> = { added: '+', removed: '−', changed: '~' };

export function architectureSection(c: Comparison, state: CompareArchitectureState): HTMLElement {
  const section = el('section', { class: 'architecture', 'aria-labelledby': 'arch-h' }, el('h2', { id: 'arch-h' }, tr('Architecture')));
  const a = c.architectureDiff;
  if (!a) {
    section.append(el('p', { class: 'muted' }, state !== 'untrusted'
      ? tr('Loading the models…')
      : tr("The architecture diff evaluates the runs' model files, which CNN Explorer does only in a trusted workspace.")));
    return section;
  }
  section.append(el('table', { class: 'arch-models' },
    el('thead', {}, el('tr', {}, ...[tr('runs'), tr('model'), tr('params'), tr('MACs / image'), tr('layers'), tr('output')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...a.models.map((m, i) => el('tr', { 'data-model': i },
      el('td', {}, runChips(m.runs)), el('td', {}, m.name),
      el('td', { class: 'num' }, exactCount(m.trainableParams + m.nonTrainableParams)),
      el('td', { class: 'num' }, exactCount(m.macs)), el('td', { class: 'num' }, String(m.layers)),
      el('td', {}, m.outputShape?.join('×') ?? '?'))))));
  a.unavailable.forEach((why, k) => {
    if (why) section.append(el('p', { class: 'warning' }, `${runTag(k)}: ${why}`));
  });
  if (a.models.length === 1 && !a.unavailable.some(Boolean)) section.append(el('p', { class: 'muted' }, tr('Every run trained the same network.')));
  for (const p of a.pairs) {
    const from = a.models[p.from]!;
    const to = a.models[p.to]!;
    const dp = p.trainableParams[1] - p.trainableParams[0];
    section.append(el('div', { class: 'arch-pair', 'data-from': p.from, 'data-to': p.to },
      el('h3', {}, `${from.name} → ${to.name}`),
      el('p', { class: 'arch-totals' },
        tr('params {0} → {1} ({2}), MACs {3} → {4}', exactCount(p.trainableParams[0]), exactCount(p.trainableParams[1]),
          `${dp >= 0 ? '+' : '−'}${exactCount(Math.abs(dp))}`, exactCount(p.macs[0]), exactCount(p.macs[1]))),
      p.changes.length
        ? el('ul', { class: 'layer-changes' }, ...p.changes.map((ch) => el('li', { class: `change ${ch.kind}`, 'data-kind': ch.kind },
          el('span', { class: 'sign', 'aria-label': ch.kind }, SIGN[ch.kind] ?? ''), ' ',
          el('code', {}, ch.kind === 'changed' ? ch.text : `${ch.to ?? ch.from} (${ch.layer})`))))
        : el('p', { class: 'muted' }, tr('Same layers; only names or settings outside the layers differ.'))));
  }
  return section;
}
