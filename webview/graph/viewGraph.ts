import { describeOp } from '../../src/analysis/describe';
import { formatShape } from '../../src/analysis/format';
import { INPUT_ID } from '../../src/dsl/ir';
import { hidingGroup } from './groups';
import { groupOutputs, severityOf, shapeOf, type ModelIndex } from './modelIndex';
import { opCategory, type OpCategory } from './opCategory';

// The graph as drawn: the model's layers with collapsed groups folded into single nodes,
// expanded groups as clusters, and one edge per producer → consumer pair that stays visible.
// Pure data; layout and rendering read it.

export type ViewNodeKind = 'layer' | 'group' | 'input';

export interface ViewNode {
  /** Unique among nodes, clusters and edges of the view. */
  key: string;
  kind: ViewNodeKind;
  /** IR node id, group id, or INPUT_ID. */
  id: string;
  /** e.g. `conv 6 · 5×5 · p2`, or a collapsed group's name. */
  title: string;
  /** The output shape (and, for a group, what it holds). */
  subtitle: string;
  category: OpCategory | 'group' | 'input';
  /** Key of the cluster that holds it, or null at top level. */
  parent: string | null;
  severity: 'error' | 'warning' | null;
  /** Names and paths it answers to in search (lower case). */
  searchText: string;
  /** The layers it stands for (one for a layer, all members for a collapsed group). */
  members: string[];
}

export interface ViewEdge {
  key: string;
  from: string;
  to: string;
  /** Tensor shape carried. */
  label: string;
}

export interface ViewCluster {
  key: string;
  groupId: string;
  parent: string | null;
  label: string;
  severity: 'error' | 'warning' | null;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  clusters: ViewCluster[];
  /** IR node id (or INPUT_ID) → key of the view node that shows it. */
  keyOfNode: Map<string, string>;
  /** Group id → key of its node (collapsed) or cluster (expanded), when visible. */
  keyOfGroup: Map<string, string>;
}

export const INPUT_KEY = 'input';
const nodeKey = (id: string): string => `n:${id}`;
const groupNodeKey = (id: string): string => `g:${id}`;
export const clusterKey = (id: string): string => `c:${id}`;

export function buildViewGraph(index: ModelIndex, collapsed: ReadonlySet<string>): ViewGraph {
  const nodes: ViewNode[] = [];
  const clusters: ViewCluster[] = [];
  const keyOfNode = new Map<string, string>([[INPUT_ID, INPUT_KEY]]);
  const keyOfGroup = new Map<string, string>();

  nodes.push({
    key: INPUT_KEY, kind: 'input', id: INPUT_ID, title: 'input', subtitle: formatShape(index.model.inputShape),
    category: 'input', parent: null, severity: null, searchText: 'input', members: [],
  });

  // Clusters: expanded groups none of whose ancestors is collapsed.
  for (const g of index.model.groups) {
    const chain = ancestry(index, g.id);
    const hidden = chain.slice(0, -1).some((a) => collapsed.has(a));
    const members = index.members.get(g.id) ?? [];
    if (hidden || members.length === 0) continue;
    if (collapsed.has(g.id)) {
      const key = groupNodeKey(g.id);
      keyOfGroup.set(g.id, key);
      for (const m of members) keyOfNode.set(m.id, key);
      const outputs = groupOutputs(index, g.id);
      const shape = outputs.length > 0 ? formatShape(shapeOf(index, outputs.at(-1)!.id)) : '';
      nodes.push({
        key, kind: 'group', id: g.id, title: g.name,
        subtitle: `${g.kind} · ${members.length} layer${members.length === 1 ? '' : 's'}${shape ? ' · ' + shape : ''}`,
        category: 'group', parent: g.parent ? clusterKey(g.parent) : null,
        severity: severityOf(index, members.map((m) => m.id)),
        searchText: [g.name, ...members.map((m) => m.path)].join('\n').toLowerCase(),
        members: members.map((m) => m.id),
      });
    } else {
      const key = clusterKey(g.id);
      keyOfGroup.set(g.id, key);
      clusters.push({
        key, groupId: g.id, parent: g.parent ? clusterKey(g.parent) : null, label: `${g.name} · ${g.kind}`,
        severity: severityOf(index, members.map((m) => m.id)),
      });
    }
  }

  for (const n of index.model.nodes) {
    if (hidingGroup(n.groups, collapsed) !== null) continue;
    const key = nodeKey(n.id);
    keyOfNode.set(n.id, key);
    const innermost = n.groups.at(-1);
    nodes.push({
      key, kind: 'layer', id: n.id, title: describeOp(n.op),
      subtitle: formatShape(index.analysis.get(n.id)?.outputShape),
      category: opCategory(n.op), parent: innermost ? clusterKey(innermost) : null,
      severity: severityOf(index, [n.id]),
      searchText: `${n.name}\n${n.path}\n${n.op.type}`.toLowerCase(),
      members: [n.id],
    });
  }

  const edges: ViewEdge[] = [];
  const seen = new Set<string>();
  for (const n of index.model.nodes) {
    const to = keyOfNode.get(n.id)!;
    for (const input of n.inputs) {
      const from = keyOfNode.get(input);
      if (from === undefined || from === to) continue;
      const key = `${from}→${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ key, from, to, label: formatShape(shapeOf(index, input)) });
    }
  }
  return { nodes, edges, clusters, keyOfNode, keyOfGroup };
}

/** The group and its ancestors, outermost first. */
function ancestry(index: ModelIndex, groupId: string): string[] {
  const chain: string[] = [];
  for (let g = index.groups.get(groupId); g; g = g.parent ? index.groups.get(g.parent) : undefined) chain.unshift(g.id);
  return chain;
}
