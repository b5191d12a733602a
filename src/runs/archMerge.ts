// Two versions of one model merged into one graph for the architecture diff view: every layer of
// the newer version, plus the older version's removed layers wired to where they were. Each layer
// that is not the same carries its status and its deltas (output shape, parameters, MACs,
// receptive field). Layers are matched as the runs' architecture diff matches them
// (archDiff.ts). Pure: two analysed models in, plain data out.
import { describeReceptiveField } from '../analysis/describe';
import { formatShape } from '../analysis/format';
import type { AnalyzedModel, NodeAnalysis } from '../analysis/types';
import { INPUT_ID, type IRGroup, type IRNode, type ModelIR } from '../dsl/ir';
import { exactCount, exactOrCompactCount } from '../shared/format';
import { matchLayers, opChanges, type FieldChange } from './archDiff';

export type LayerDiffStatus = 'added' | 'removed' | 'changed';

/** How one layer differs between the versions; `[before, after]` pairs (an absent side: 0 / `—`). */
export interface LayerDelta {
  status: LayerDiffStatus;
  /** Its path in the older version (null when added) and in the newer one (null when removed). */
  before: string | null;
  after: string | null;
  /** Op fields that differ (`filters 6 → 16`). */
  fields: FieldChange[];
  outputShape: [string, string];
  params: [number, number];
  macs: [number, number];
  receptiveField: [string, string];
}

export interface GraphDiff {
  /** What the versions are, for the header: `HEAD`, `main`, `lenet.cnn.ts (working copy)`. */
  before: string;
  after: string;
  /** By node id of the merged graph; layers that are the same are absent. */
  layers: Record<string, LayerDelta>;
  totals: { params: [number, number]; macs: [number, number]; layers: [number, number] };
}

export interface MergedArchitecture {
  /** The union of both versions: the newer one's layers and analysis, plus the removed layers. */
  graph: AnalyzedModel;
  diff: GraphDiff;
}

const ABSENT = '—';

function paramsOf(a: NodeAnalysis | undefined): number {
  return a ? a.params.trainable + a.params.nonTrainable : 0;
}

function shapeOf(a: NodeAnalysis | undefined): string {
  return a ? formatShape(a.outputShape) : ABSENT;
}

function fieldOf(a: NodeAnalysis | undefined): string {
  return a ? describeReceptiveField(a.receptiveField) : ABSENT;
}

function delta(status: LayerDiffStatus, na: IRNode | null, a: NodeAnalysis | undefined, nb: IRNode | null, b: NodeAnalysis | undefined): LayerDelta {
  return {
    status,
    before: na?.path ?? null,
    after: nb?.path ?? null,
    fields: na && nb ? opChanges(na.op, nb.op) : [],
    outputShape: [shapeOf(a), shapeOf(b)],
    params: [paramsOf(a), paramsOf(b)],
    macs: [a?.macs ?? 0, b?.macs ?? 0],
    receptiveField: [fieldOf(a), fieldOf(b)],
  };
}

function differs(d: LayerDelta): boolean {
  return d.before !== d.after || d.fields.length > 0 || d.outputShape[0] !== d.outputShape[1] || d.params[0] !== d.params[1]
    || d.macs[0] !== d.macs[1] || d.receptiveField[0] !== d.receptiveField[1];
}

/** A group's place by kind and name through its ancestors (ids are positional, these are not). */
function groupPaths(ir: ModelIR): Map<string, string> {
  const byId = new Map(ir.groups.map((g) => [g.id, g]));
  const out = new Map<string, string>();
  const pathOf = (g: IRGroup): string => {
    const known = out.get(g.id);
    if (known !== undefined) return known;
    const parent = g.parent ? byId.get(g.parent) : undefined;
    const p = `${parent ? pathOf(parent) + '/' : ''}${g.kind}:${g.name}`;
    out.set(g.id, p);
    return p;
  };
  ir.groups.forEach(pathOf);
  return out;
}

/** Nodes in an order where each node's inputs come first, keeping `nodes`' order where it can. */
function topological(nodes: IRNode[]): IRNode[] {
  const ids = new Set(nodes.map((n) => n.id));
  const placed = new Set<string>([INPUT_ID]);
  const out: IRNode[] = [];
  let rest = nodes;
  while (rest.length > 0) {
    const next: IRNode[] = [];
    for (const n of rest) {
      if (n.inputs.every((i) => placed.has(i) || !ids.has(i))) {
        out.push(n);
        placed.add(n.id);
      } else next.push(n);
    }
    if (next.length === rest.length) return [...out, ...next]; // a cycle cannot come from two DAGs joined by matching, but never loop
    rest = next;
  }
  return out;
}

/** Merges `before` and `after` (the same model in two versions) into one graph with per-layer deltas. */
export function mergeArchitectures(before: AnalyzedModel, after: AnalyzedModel, labels: { before: string; after: string }): MergedArchitecture {
  const a = before.model;
  const b = after.model;
  const analysisA = new Map(before.analysis.nodes.map((n) => [n.id, n]));
  const analysisB = new Map(after.analysis.nodes.map((n) => [n.id, n]));
  const match = matchLayers(a, b); // after node → before node
  const afterOf = new Map([...match.entries()].map(([nb, na]) => [na.id, nb.id]));
  const layers: Record<string, LayerDelta> = {};

  for (const nb of b.nodes) {
    const na = match.get(nb);
    const d = na ? delta('changed', na, analysisA.get(na.id), nb, analysisB.get(nb.id)) : delta('added', null, undefined, nb, analysisB.get(nb.id));
    if (!na || differs(d)) layers[nb.id] = d;
  }

  // Removed layers keep their id unless the newer version uses it; their inputs and consumers
  // are rewired to the merged graph, so each shows where it was.
  const takenIds = new Set(b.nodes.map((n) => n.id));
  const removed = a.nodes.filter((n) => !afterOf.has(n.id));
  const mergedId = new Map<string, string>(afterOf);
  for (const na of removed) mergedId.set(na.id, takenIds.has(na.id) ? `${na.id}@before` : na.id);
  const idIn = (id: string) => (id === INPUT_ID ? id : mergedId.get(id) ?? id);

  const groupsB = groupPaths(b);
  const groupByPath = new Map([...groupsB.entries()].map(([id, p]) => [p, id]));
  const groupsA = groupPaths(a);
  const groupsOfRemoved = (n: IRNode): string[] => {
    const out: string[] = [];
    for (const g of n.groups) {
      const id = groupByPath.get(groupsA.get(g) ?? '');
      if (id === undefined) break;
      out.push(id);
    }
    return out;
  };

  const extraInputs = new Map<string, string[]>(); // after node id → removed producers it read before
  const removedNodes: IRNode[] = removed.map((na) => {
    const id = mergedId.get(na.id)!;
    layers[id] = delta('removed', na, analysisA.get(na.id), null, undefined);
    return { ...na, id, inputs: na.inputs.map(idIn), groups: groupsOfRemoved(na) };
  });
  const removedIds = new Set(removed.map((n) => n.id));
  for (const na of a.nodes) {
    const consumer = afterOf.get(na.id);
    if (consumer === undefined) continue;
    const fromRemoved = na.inputs.filter((i) => removedIds.has(i)).map(idIn);
    if (fromRemoved.length > 0) extraInputs.set(consumer, fromRemoved);
  }
  const afterNodes = b.nodes.map((n) => {
    const extra = (extraInputs.get(n.id) ?? []).filter((i) => !n.inputs.includes(i));
    return extra.length ? { ...n, inputs: [...n.inputs, ...extra] } : n;
  });

  // Removed layers go right after the last layer they read, so the merged order reads like both versions.
  const order: IRNode[] = [...afterNodes];
  for (const r of removedNodes) {
    const at = Math.max(-1, ...r.inputs.map((i) => order.findIndex((n) => n.id === i)));
    order.splice(at + 1, 0, r);
  }
  const nodes = topological(order);
  const removedAnalysis = removed.map((na) => ({ ...analysisA.get(na.id)!, id: mergedId.get(na.id)! }));
  const analysisById = new Map([...after.analysis.nodes, ...removedAnalysis].map((n) => [n.id, n]));
  const graph: AnalyzedModel = {
    exportName: after.exportName,
    model: { ...b, nodes },
    analysis: { ...after.analysis, nodes: nodes.map((n) => analysisById.get(n.id)).filter((n): n is NodeAnalysis => n !== undefined) },
  };
  const total = (m: AnalyzedModel) => m.analysis.totals.trainableParams + m.analysis.totals.nonTrainableParams;
  return {
    graph,
    diff: {
      ...labels,
      layers,
      totals: {
        params: [total(before), total(after)],
        macs: [before.analysis.totals.macs, after.analysis.totals.macs],
        layers: [a.nodes.length, b.nodes.length],
      },
    },
  };
}

/** `+300`, `−1,200`, `±0`: a count's change, exact. */
export function signedCount(from: number, to: number): string {
  const d = to - from;
  return d === 0 ? '±0' : `${d > 0 ? '+' : '−'}${exactCount(Math.abs(d))}`;
}

/** `+80,000`, `−1.20 M`: a count's change, short past a million. */
export function signedCompact(from: number, to: number): string {
  const d = to - from;
  return d === 0 ? '±0' : `${d > 0 ? '+' : '−'}${exactOrCompactCount(Math.abs(d))}`;
}

/** Whether the two versions differ in their architecture at all. */
export function hasChanges(diff: GraphDiff): boolean {
  return Object.keys(diff.layers).length > 0;
}
