import type { AnalyzedModel, Diagnostic, NodeAnalysis, Shape } from '../../src/analysis/types';
import { INPUT_ID, type IRGroup, type IRNode, type ModelIR } from '../../src/dsl/ir';

// Lookups over one model and its analysis that every part of the view needs: node and group by
// id, group nesting, which layers a group holds, the diagnostics of each node. Built once per
// update; never mutated.

export interface ModelIndex {
  readonly graph: AnalyzedModel;
  readonly model: ModelIR;
  readonly nodes: ReadonlyMap<string, IRNode>;
  readonly analysis: ReadonlyMap<string, NodeAnalysis>;
  readonly groups: ReadonlyMap<string, IRGroup>;
  /** Direct child groups of each group ('' for the top level). */
  readonly childGroups: ReadonlyMap<string, IRGroup[]>;
  /** Every layer inside a group, nested groups included, in topological order. */
  readonly members: ReadonlyMap<string, IRNode[]>;
  /** 0 for top-level groups. */
  readonly depth: ReadonlyMap<string, number>;
  /** A name for a group that survives edits elsewhere in the file (ids are positional). */
  readonly groupKey: ReadonlyMap<string, string>;
  readonly diagnostics: ReadonlyMap<string, Diagnostic[]>;
  /** Diagnostics that concern no node (the model as a whole). */
  readonly modelDiagnostics: Diagnostic[];
  /** Ids of nodes that consume each node's output. */
  readonly consumers: ReadonlyMap<string, string[]>;
}

export function indexModel(graph: AnalyzedModel): ModelIndex {
  const { model, analysis } = graph;
  const nodes = new Map(model.nodes.map((n) => [n.id, n]));
  const analysisById = new Map(analysis.nodes.map((a) => [a.id, a]));
  const groups = new Map(model.groups.map((g) => [g.id, g]));
  const childGroups = new Map<string, IRGroup[]>();
  for (const g of model.groups) {
    const key = g.parent ?? '';
    childGroups.set(key, [...(childGroups.get(key) ?? []), g]);
  }
  const members = new Map<string, IRNode[]>(model.groups.map((g) => [g.id, []]));
  for (const n of model.nodes) for (const g of n.groups) members.get(g)?.push(n);

  const depth = new Map<string, number>();
  const groupKey = new Map<string, string>();
  const depthOf = (g: IRGroup): number => {
    const known = depth.get(g.id);
    if (known !== undefined) return known;
    const parent = g.parent ? groups.get(g.parent) : undefined;
    const d = parent ? depthOf(parent) + 1 : 0;
    depth.set(g.id, d);
    groupKey.set(g.id, `${parent ? groupKey.get(parent.id) + '/' : ''}${g.kind}:${g.name}`);
    return d;
  };
  model.groups.forEach(depthOf);

  const diagnostics = new Map<string, Diagnostic[]>();
  const modelDiagnostics: Diagnostic[] = [];
  for (const d of analysis.diagnostics) {
    if (d.nodeId === null) modelDiagnostics.push(d);
    else diagnostics.set(d.nodeId, [...(diagnostics.get(d.nodeId) ?? []), d]);
  }

  const consumers = new Map<string, string[]>();
  for (const n of model.nodes) {
    for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
  }

  return {
    graph, model, nodes, analysis: analysisById, groups, childGroups, members, depth, groupKey,
    diagnostics, modelDiagnostics, consumers,
  };
}

/** Output shape of a node id (or of the model input). */
export function shapeOf(index: ModelIndex, id: string): Shape | null {
  if (id === INPUT_ID) return index.model.inputShape;
  return index.analysis.get(id)?.outputShape ?? null;
}

/** The worst diagnostic severity among a set of nodes. */
export function severityOf(index: ModelIndex, ids: Iterable<string>): 'error' | 'warning' | null {
  let worst: 'error' | 'warning' | null = null;
  for (const id of ids) {
    for (const d of index.diagnostics.get(id) ?? []) {
      if (d.severity === 'error') return 'error';
      worst = 'warning';
    }
  }
  return worst;
}

/**
 * The nodes whose outputs leave a group (read by a node outside it, or the model's output):
 * what the group, collapsed, hands on.
 */
export function groupOutputs(index: ModelIndex, groupId: string): IRNode[] {
  const inside = new Set((index.members.get(groupId) ?? []).map((n) => n.id));
  return (index.members.get(groupId) ?? []).filter((n) =>
    n.id === index.model.output || (index.consumers.get(n.id) ?? []).some((c) => !inside.has(c)));
}

/** The shapes that enter a group from outside, in order of first use. */
export function groupInputs(index: ModelIndex, groupId: string): string[] {
  const inside = new Set((index.members.get(groupId) ?? []).map((n) => n.id));
  const seen: string[] = [];
  for (const n of index.members.get(groupId) ?? []) {
    for (const i of n.inputs) if (!inside.has(i) && !seen.includes(i)) seen.push(i);
  }
  return seen;
}
