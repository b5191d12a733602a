import { exactCount, exactOrCompactCount } from '../../src/shared/format';
import { tr } from '../../src/shared/l10n/translate';
import { signedCompact, signedCount, type GraphDiff, type LayerDelta, type LayerDiffStatus } from '../../src/runs/archMerge';
import type { ViewGraph } from './viewGraph';

// The architecture diff mode of the graph view: the graph is two versions merged, and this
// module adds what says which is which: a header with the totals before → after, the status of
// each drawn node (the renderer colours it by class), a subtitle with the change, and the deltas
// in a node's hover card. Built with textContent only.

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** `61,706 → 62,558 (+852)` */
function beforeAfter(from: number, to: number, format: (n: number) => string, signed: (a: number, b: number) => string): string {
  return from === to ? format(to) : `${format(from)} → ${format(to)} (${signed(from, to)})`;
}

/** The line above the graph: which versions, the totals before → after, a legend of the colours. */
export class DiffHeader {
  private readonly root: HTMLElement;

  constructor(parent: HTMLElement, before: Element | null) {
    this.root = el('div', 'diff-header');
    this.root.hidden = true;
    parent.insertBefore(this.root, before);
  }

  show(diff: GraphDiff | null): void {
    this.root.hidden = diff === null;
    if (!diff) return;
    const counts: Record<LayerDiffStatus, number> = { added: 0, removed: 0, changed: 0 };
    for (const d of Object.values(diff.layers)) counts[d.status]++;
    const { params, macs, layers } = diff.totals;
    const versions = el('div', 'diff-versions');
    versions.append(el('span', 'diff-before', diff.before), document.createTextNode(' → '), el('span', 'diff-after', diff.after));
    const totals = el('div', 'diff-totals');
    totals.append(
      el('span', 'diff-total', tr('params {0}', beforeAfter(params[0], params[1], exactCount, signedCount))),
      el('span', 'diff-total', tr('MACs {0}', beforeAfter(macs[0], macs[1], exactOrCompactCount, signedCompact))),
      el('span', 'diff-total', tr('layers {0}', beforeAfter(layers[0], layers[1], exactCount, signedCount))),
    );
    const legend = el('div', 'diff-legend');
    if (counts.added + counts.removed + counts.changed === 0) legend.append(el('span', 'diff-none', tr('No architecture change')));
    else {
      legend.append(
        el('span', 'diff-chip diff-added', tr('{0} added', counts.added)),
        el('span', 'diff-chip diff-removed', tr('{0} removed', counts.removed)),
        el('span', 'diff-chip diff-changed', tr('{0} changed', counts.changed)),
      );
    }
    this.root.replaceChildren(versions, totals, legend);
  }
}

/** The status of each drawn node: its layer's, or for a collapsed group the one its members share (else changed). */
export function diffStatusByKey(view: ViewGraph, diff: GraphDiff): Map<string, LayerDiffStatus> {
  const out = new Map<string, LayerDiffStatus>();
  for (const node of view.nodes) {
    if (node.kind === 'input') continue;
    const statuses = node.members.map((id) => diff.layers[id]?.status ?? null);
    const some = statuses.filter((s): s is LayerDiffStatus => s !== null);
    if (some.length === 0) continue;
    out.set(node.key, some.length === statuses.length && some.every((s) => s === some[0]) ? some[0]! : 'changed');
  }
  return out;
}

/** A changed layer's subtitle says what changed (`14×14×6 → 14×14×8 · +800 params`); others keep theirs. */
export function withDiffSubtitles(view: ViewGraph, diff: GraphDiff): ViewGraph {
  const nodes = view.nodes.map((node) => {
    const d = node.kind === 'layer' ? diff.layers[node.id] : undefined;
    if (!d || d.status !== 'changed') return node;
    const parts = [d.outputShape[0] === d.outputShape[1] ? d.outputShape[1] : `${d.outputShape[0]} → ${d.outputShape[1]}`];
    if (d.params[0] !== d.params[1]) parts.push(tr('{0} params', signedCount(...d.params)));
    return { ...node, subtitle: parts.join(' · ') };
  });
  return { ...view, nodes };
}

function row(table: HTMLElement, name: string, value: string): void {
  const line = el('div', 'tt-row');
  line.append(el('span', 'tt-key', name), el('span', 'tt-value', value));
  table.append(line);
}

/** The hover card's part for a layer that is not the same in both versions. */
export function deltaCard(d: LayerDelta): HTMLElement {
  const box = el('div', `tt-diff diff-${d.status}`);
  const heading = d.status === 'added' ? tr('added') : d.status === 'removed' ? tr('removed') : tr('changed');
  const renamed = d.before && d.after && d.before !== d.after ? ` (${d.before} → ${d.after})` : '';
  box.append(el('div', 'tt-diff-title', heading + renamed));
  const table = el('div', 'tt-table');
  for (const f of d.fields) row(table, f.key, `${f.from} → ${f.to}`);
  const pair = (p: [string, string]) => (p[0] === p[1] ? p[1] : `${p[0]} → ${p[1]}`);
  row(table, tr('Δ output'), pair(d.outputShape));
  row(table, tr('Δ params'), beforeAfter(d.params[0], d.params[1], exactCount, signedCount));
  row(table, tr('Δ MACs'), beforeAfter(d.macs[0], d.macs[1], exactOrCompactCount, signedCompact));
  row(table, tr('Δ receptive field'), pair(d.receptiveField));
  box.append(table);
  return box;
}
