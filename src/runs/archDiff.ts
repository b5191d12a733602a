// Architecture diff between the models of compared runs: parameters, MACs, and the layers
// added, removed or changed. Layers are matched by path first (auto names such as `dense_1`
// are stable across small edits), then the leftovers by type in order (a layer the user
// renamed). Pure: IR + analysis in, plain data out.
import { describeOp } from '../analysis/describe';
import { formatSize } from '../analysis/format';
import type { AnalyzedModel, NodeAnalysis } from '../analysis/types';
import type { IRNode, LayerOp, ModelIR } from '../dsl/ir';
import { exactCount } from '../shared/format';

/** One distinct architecture among the compared runs. */
export interface ArchitectureSummary {
  /** Indexes of the runs that trained this architecture. */
  runs: number[];
  name: string;
  trainableParams: number;
  nonTrainableParams: number;
  macs: number;
  /** Leaf layers and merges. */
  layers: number;
  inputShape: number[];
  outputShape: number[] | null;
}

export interface FieldChange {
  key: string;
  from: string;
  to: string;
}

export interface LayerChange {
  kind: 'added' | 'removed' | 'changed';
  /** Path in the base model (null when added). */
  from: string | null;
  /** Path in the other model (null when removed). */
  to: string | null;
  /** Short description of the layer as it is in the model it exists in (the other one when changed). */
  layer: string;
  fields: FieldChange[];
  /** One line: `dense_1: units 8 → 50`, `+ conv2d_1 (conv 6 · 5×5)`, `− dense_3 (dense 10)`. */
  text: string;
}

export interface ArchitecturePairDiff {
  /** Indexes into `models`: the base (the first run's architecture) and the other one. */
  from: number;
  to: number;
  trainableParams: [number, number];
  macs: [number, number];
  changes: LayerChange[];
}

export interface ArchitectureDiff {
  models: ArchitectureSummary[];
  /** Per run: index into `models`, or null when its model could not be loaded. */
  runModel: (number | null)[];
  /** Per run: why its model is unavailable (null when it is available). */
  unavailable: (string | null)[];
  /** Each other architecture against the first one. Empty when every run trained the same one. */
  pairs: ArchitecturePairDiff[];
}

/** Per run: the analysed model, or a reason it could not be had (file gone, untrusted …). */
export type RunModel = AnalyzedModel | { error: string } | null;

const isPair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number');

function formatField(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (isPair(value)) return formatSize(value);
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** Op fields that differ (`type` first when the type itself changed). */
export function opChanges(a: LayerOp, b: LayerOp): FieldChange[] {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  const out: FieldChange[] = [];
  for (const key of keys) {
    if (JSON.stringify(ra[key]) === JSON.stringify(rb[key])) continue;
    out.push({ key, from: formatField(ra[key]), to: formatField(rb[key]) });
  }
  return out.sort((x, y) => Number(y.key === 'type') - Number(x.key === 'type'));
}

interface Side {
  ir: ModelIR;
  nodes: Map<string, NodeAnalysis>;
}

function side(m: AnalyzedModel): Side {
  return { ir: m.model, nodes: new Map(m.analysis.nodes.map((n) => [n.id, n])) };
}

function params(s: Side, node: IRNode): number {
  const a = s.nodes.get(node.id);
  return a ? a.params.trainable + a.params.nonTrainable : 0;
}

function outputShape(s: Side, node: IRNode): string {
  return s.nodes.get(node.id)?.outputShape?.join('×') ?? '?';
}

function changeOf(a: Side, na: IRNode, b: Side, nb: IRNode): LayerChange | null {
  const fields = opChanges(na.op, nb.op);
  const shapeA = outputShape(a, na);
  const shapeB = outputShape(b, nb);
  // An op change already explains its own output (units 8 → 50); a bare shape change is news.
  if (shapeA !== shapeB && fields.length === 0) fields.push({ key: 'output', from: shapeA, to: shapeB });
  const pa = params(a, na);
  const pb = params(b, nb);
  if (pa !== pb) fields.push({ key: 'params', from: exactCount(pa), to: exactCount(pb) });
  const renamed = na.path !== nb.path;
  if (!fields.length && !renamed) return null;
  const name = renamed ? `${na.path} → ${nb.path}` : nb.path;
  const text = fields.length ? `${name}: ${fields.map((f) => `${f.key} ${f.from} → ${f.to}`).join(', ')}` : `${name} (renamed)`;
  return { kind: 'changed', from: na.path, to: nb.path, layer: describeOp(nb.op), fields, text };
}

/** Longest common subsequence of two node lists by op type: pairs of indexes. */
function alignByType(xs: IRNode[], ys: IRNode[]): [number, number][] {
  const n = xs.length;
  const m = ys.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = xs[i]!.op.type === ys[j]!.op.type ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (xs[i]!.op.type === ys[j]!.op.type) { out.push([i, j]); i++; j++; }
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return out;
}

/** Which base layer each layer of the other model is (other node → base node): by path, then by type in order. */
export function matchLayers(a: ModelIR, b: ModelIR): Map<IRNode, IRNode> {
  const match = new Map<IRNode, IRNode>();
  const byPath = new Map(a.nodes.map((n) => [n.path, n]));
  for (const nb of b.nodes) {
    const na = byPath.get(nb.path);
    if (na) match.set(nb, na);
  }
  const matchedBase = new Set(match.values());
  const leftA = a.nodes.filter((n) => !matchedBase.has(n));
  const leftB = b.nodes.filter((n) => !match.has(n));
  for (const [i, j] of alignByType(leftA, leftB)) match.set(leftB[j]!, leftA[i]!);
  return match;
}

/** The layers added, removed or changed from `base` to `other`, in the other model's order. */
export function diffLayers(base: AnalyzedModel, other: AnalyzedModel): LayerChange[] {
  const a = side(base);
  const b = side(other);
  const match = matchLayers(a.ir, b.ir);

  const baseIndex = new Map(a.ir.nodes.map((n, i) => [n, i]));
  const matchedBaseIdx = new Set([...match.values()].map((n) => baseIndex.get(n)!));
  // Removed layers are listed where they were: after the other model's counterpart of the
  // nearest matched base layer before them.
  const removedAfter = new Map<IRNode | null, IRNode[]>();
  const otherOf = new Map([...match.entries()].map(([nb, na]) => [na, nb]));
  let anchor: IRNode | null = null;
  for (const [i, na] of a.ir.nodes.entries()) {
    if (matchedBaseIdx.has(i)) {
      anchor = otherOf.get(na) ?? anchor;
      continue;
    }
    const list = removedAfter.get(anchor) ?? [];
    list.push(na);
    removedAfter.set(anchor, list);
  }

  const changes: LayerChange[] = [];
  const pushRemoved = (key: IRNode | null) => {
    for (const na of removedAfter.get(key) ?? []) {
      const layer = describeOp(na.op);
      changes.push({ kind: 'removed', from: na.path, to: null, layer, fields: [], text: `− ${na.path} (${layer})` });
    }
  };
  pushRemoved(null);
  for (const nb of b.ir.nodes) {
    const na = match.get(nb);
    if (na) {
      const c = changeOf(a, na, b, nb);
      if (c) changes.push(c);
    } else {
      const layer = describeOp(nb.op);
      changes.push({ kind: 'added', from: null, to: nb.path, layer, fields: [], text: `+ ${nb.path} (${layer})` });
    }
    pushRemoved(nb);
  }
  return changes;
}

/** A fingerprint of what the network is (not of the file: editing the training block keeps it). */
function fingerprint(ir: ModelIR): string {
  return JSON.stringify([ir.inputShape, ir.output, ir.nodes.map((n) => [n.path, n.op, n.inputs])]);
}

function isAnalyzed(m: RunModel): m is AnalyzedModel {
  return m !== null && 'model' in m;
}

export function diffArchitectures(models: readonly RunModel[]): ArchitectureDiff {
  const summaries: ArchitectureSummary[] = [];
  const distinct: AnalyzedModel[] = [];
  const keys: string[] = [];
  const runModel: (number | null)[] = [];
  const unavailable: (string | null)[] = [];
  models.forEach((m, run) => {
    if (!isAnalyzed(m)) {
      runModel.push(null);
      unavailable.push(m?.error ?? 'the model was not loaded');
      return;
    }
    unavailable.push(null);
    const key = fingerprint(m.model);
    let index = keys.indexOf(key);
    if (index < 0) {
      index = keys.length;
      keys.push(key);
      distinct.push(m);
      const t = m.analysis.totals;
      summaries.push({
        runs: [], name: m.model.name, trainableParams: t.trainableParams, nonTrainableParams: t.nonTrainableParams,
        macs: t.macs, layers: m.model.nodes.length, inputShape: [...m.model.inputShape], outputShape: t.outputShape ? [...t.outputShape] : null,
      });
    }
    summaries[index]!.runs.push(run);
    runModel.push(index);
  });
  const pairs: ArchitecturePairDiff[] = [];
  for (let to = 1; to < distinct.length; to++) {
    const a = summaries[0]!;
    const b = summaries[to]!;
    pairs.push({
      from: 0, to,
      trainableParams: [a.trainableParams, b.trainableParams],
      macs: [a.macs, b.macs],
      changes: diffLayers(distinct[0]!, distinct[to]!),
    });
  }
  return { models: summaries, runModel, unavailable, pairs };
}
