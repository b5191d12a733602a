import { describeOp, describeReceptiveField } from '../../src/analysis/describe';
import { formatShape } from '../../src/analysis/format';
import { INPUT_ID } from '../../src/dsl/ir';
import { exactCount, exactCountWithCompact } from '../../src/shared/format';
import { tr } from '../../src/shared/l10n/translate';
import { groupInputs, groupOutputs, shapeOf, type ModelIndex } from './modelIndex';
import type { ViewNode } from './viewGraph';

// The hover card of a node: shapes in and out, the output-size arithmetic, parameters, MACs,
// receptive field and the node's diagnostics. Built with textContent only (model text is data).

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function row(table: HTMLElement, name: string, value: string | string[], cls = ''): void {
  const values = Array.isArray(value) ? value : [value];
  const line = el('div', `tt-row ${cls}`.trim());
  line.append(el('span', 'tt-key', name));
  const v = el('span', 'tt-value');
  for (const text of values) v.append(el('div', 'tt-line', text));
  line.append(v);
  table.append(line);
}

function params(trainable: number, nonTrainable: number): string {
  return nonTrainable > 0
    ? tr('{0} trainable + {1} fixed', exactCount(trainable), exactCount(nonTrainable))
    : tr('{0} trainable', exactCount(trainable));
}

export function tooltipContent(index: ModelIndex, item: ViewNode): HTMLElement {
  const card = el('div', 'tt-card');
  const table = el('div', 'tt-table');
  if (item.kind === 'input') {
    card.append(el('div', 'tt-title', tr('input')));
    row(table, tr('shape'), formatShape(index.model.inputShape));
    card.append(table);
    return card;
  }
  if (item.kind === 'group') {
    const group = index.groups.get(item.id)!;
    const members = index.members.get(item.id) ?? [];
    card.append(el('div', 'tt-title', group.name), el('div', 'tt-sub', `${group.kind} · ${tr('{0} layers (collapsed)', members.length)}`));
    row(table, tr('input'), groupInputs(index, item.id).map((i) => formatShape(shapeOf(index, i))));
    const outputs = groupOutputs(index, item.id);
    row(table, tr('output'), outputs.map((o) => formatShape(shapeOf(index, o.id))));
    let trainable = 0, fixed = 0, total = 0;
    for (const m of members) {
      const a = index.analysis.get(m.id);
      trainable += a?.params.trainable ?? 0;
      fixed += a?.params.nonTrainable ?? 0;
      total += a?.macs ?? 0;
    }
    row(table, tr('params'), params(trainable, fixed));
    row(table, 'MACs', exactCountWithCompact(total));
    const last = outputs.at(-1);
    row(table, tr('receptive field'), describeReceptiveField(last ? index.analysis.get(last.id)?.receptiveField ?? null : null));
    card.append(table);
    appendDiagnostics(card, index, members.map((m) => m.id));
    return card;
  }
  const node = index.nodes.get(item.id)!;
  const a = index.analysis.get(item.id);
  card.append(el('div', 'tt-title', node.name), el('div', 'tt-sub', describeOp(node.op)));
  if (node.path !== node.name) card.append(el('div', 'tt-path', node.path));
  const inputs = a?.inputShapes.length ? a.inputShapes.map(formatShape)
    : node.inputs.map((i) => formatShape(i === INPUT_ID ? index.model.inputShape : shapeOf(index, i)));
  row(table, inputs.length > 1 ? tr('inputs') : tr('input'), inputs);
  row(table, tr('output'), formatShape(a?.outputShape));
  if (a && a.formula.length > 0) row(table, tr('size'), a.formula, 'tt-formula');
  if (a) {
    row(table, tr('params'), params(a.params.trainable, a.params.nonTrainable));
    row(table, 'MACs', exactCountWithCompact(a.macs));
    row(table, tr('receptive field'), describeReceptiveField(a.receptiveField));
  }
  card.append(table);
  appendDiagnostics(card, index, [item.id]);
  return card;
}

function appendDiagnostics(card: HTMLElement, index: ModelIndex, ids: string[]): void {
  for (const id of ids) {
    for (const d of index.diagnostics.get(id) ?? []) {
      card.append(el('div', `tt-diagnostic ${d.severity}`, d.message));
    }
  }
}

/** A floating card beside the hovered node, kept inside the window. */
export class Tooltip {
  private readonly root: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = el('div', 'tooltip');
    this.root.setAttribute('role', 'tooltip');
    this.root.id = 'graph-tooltip';
    this.root.hidden = true;
    parent.append(this.root);
  }

  show(content: HTMLElement, anchor: DOMRect): void {
    this.root.replaceChildren(content);
    this.root.hidden = false;
    const { innerWidth, innerHeight } = window;
    const box = this.root.getBoundingClientRect();
    const clamp = (v: number, max: number) => Math.min(Math.max(4, v), Math.max(4, max));
    let left: number;
    let top: number;
    if (anchor.right + 8 + box.width <= innerWidth - 4) {
      [left, top] = [anchor.right + 8, clamp(anchor.top, innerHeight - box.height - 4)];
    } else if (anchor.left - 8 - box.width >= 4) {
      [left, top] = [anchor.left - 8 - box.width, clamp(anchor.top, innerHeight - box.height - 4)];
    } else {
      // No room beside the node: below it (or above, near the bottom), never over it.
      left = clamp(anchor.left, innerWidth - box.width - 4);
      top = anchor.bottom + 8 + box.height <= innerHeight - 4 ? anchor.bottom + 8 : Math.max(4, anchor.top - 8 - box.height);
    }
    this.root.style.left = `${left}px`;
    this.root.style.top = `${top}px`;
  }

  hide(): void {
    this.root.hidden = true;
  }
}
