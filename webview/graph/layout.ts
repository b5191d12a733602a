import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { CLUSTER, NODE, type Box, type Point, type Scope, type ScopeLayout } from './geometry';
import { ENTRY, EXIT, layoutSeriesParallel } from './seriesParallelLayout';
import type { ViewCluster, ViewEdge, ViewNode } from './viewGraph';

export { CLUSTER, NODE, type Box, type Point };

// Layout of the view graph, top to bottom.
//
// Expanded groups are laid out recursively rather than as one dagre compound graph: each
// cluster is laid out on its own (its child clusters already sized), then placed in its parent
// as a single box. A group of the DSL has one way in (its input tensor) and one way out, so
// edges that cross a cluster border are routed through an entry point at the top of the
// cluster and an exit point at the bottom. On ResNet-152 fully expanded the recursive layout
// is several times faster than one compound layout (bench/README.md), and a cluster's members
// are inside its box by construction.
//
// Each scope follows its series-parallel structure (seriesParallelLayout.ts: linear in its
// size, which keeps graphs of thousands of layers quick); a scope that is not series-parallel
// gets a layered DAG layout (Sugiyama, via dagre).
//
// Pure: text is measured by the caller (the browser's canvas), so this runs anywhere.

export interface NodeBox extends Box { key: string }
/** `label` is null where another edge already labels the same tensor on the same segment. */
export interface EdgeRoute { key: string; points: Point[]; label: Point | null }
export interface ClusterBox extends Box { key: string }

export interface GraphLayout {
  nodes: Map<string, NodeBox>;
  edges: Map<string, EdgeRoute>;
  clusters: Map<string, ClusterBox>;
  width: number;
  height: number;
}

export interface TextMeasure {
  title(text: string): number;
  subtitle(text: string): number;
  label(text: string): number;
}

const MARGIN = 16;

/**
 * What the layout reads of a view graph: a node's text (for its width), where it sits, and
 * what connects to what. A ViewGraph is one; the layout worker gets just this much.
 */
export interface LayoutInput {
  nodes: Pick<ViewNode, 'key' | 'kind' | 'title' | 'subtitle' | 'parent'>[];
  edges: Pick<ViewEdge, 'key' | 'from' | 'to' | 'label'>[];
  clusters: Pick<ViewCluster, 'key' | 'parent'>[];
}

function nodeWidth(node: LayoutInput['nodes'][number], measure: TextMeasure): number {
  const text = Math.max(measure.title(node.title), measure.subtitle(node.subtitle));
  const toggle = node.kind === 'group' ? NODE.groupToggleWidth : 0;
  return Math.max(NODE.minWidth, Math.ceil(text) + 2 * NODE.paddingX + toggle);
}

/** One scope laid out on its own: the direct children of a cluster (or of the root). */
export interface LayoutOptions {
  /** Every scope with the general layout (dagre), as before the structural one: for comparison. */
  layeredOnly?: boolean;
}

export function layoutGraph(view: LayoutInput, measure: TextMeasure, options: LayoutOptions = {}): GraphLayout {
  const clusterByKey = new Map(view.clusters.map((c) => [c.key, c]));
  const parentOf = new Map<string, string | null>();
  for (const n of view.nodes) parentOf.set(n.key, n.parent);
  for (const c of view.clusters) parentOf.set(c.key, c.parent);
  // Each key's enclosing clusters, outermost first; memoised by parent, since siblings share it.
  const chains = new Map<string | null, string[]>([[null, []]]);
  const chainOfCluster = (key: string | null): string[] => {
    let c = chains.get(key);
    if (!c) {
      c = [...chainOfCluster(parentOf.get(key!) ?? null), key!];
      chains.set(key, c);
    }
    return c;
  };
  const chain = (key: string): string[] => chainOfCluster(parentOf.get(key) ?? null);

  const scopes = new Map<string | null, Scope>([[null, { key: null, items: [], segments: new Map() }]]);
  for (const c of view.clusters) scopes.set(c.key, { key: c.key, items: [], segments: new Map() });
  const scope = (key: string | null): Scope => scopes.get(key)!;
  for (const n of view.nodes) {
    scope(n.parent).items.push({ key: n.key, width: nodeWidth(n, measure), height: NODE.height });
  }

  // Each view edge becomes: exits up from its source's clusters, one segment in the lowest
  // common scope (labelled with the shape), entries down into its target's clusters.
  const pieces = new Map<string, { scope: string | null; v: string; w: string }[]>();
  const labelled = new Set<string>();
  const labelOwner = new Map<string, string>();
  for (const e of view.edges) {
    const a = chain(e.from);
    const b = chain(e.to);
    let lca = 0;
    while (lca < a.length && lca < b.length && a[lca] === b[lca]) lca++;
    const list: { scope: string | null; v: string; w: string }[] = [];
    for (let i = a.length - 1; i >= lca; i--) list.push({ scope: a[i]!, v: a[i + 1] ?? e.from, w: EXIT });
    const common = lca > 0 ? a[lca - 1]! : null;
    const v = a[lca] ?? e.from;
    const w = b[lca] ?? e.to;
    list.push({ scope: common, v, w });
    for (let i = lca; i < b.length; i++) list.push({ scope: b[i]!, v: ENTRY, w: b[i + 1] ?? e.to });
    pieces.set(e.key, list);
    for (const p of list) {
      const id = `${p.v}\u0000${p.w}`;
      const segs = scope(p.scope).segments;
      const isMain = p.scope === common && p.v === v && p.w === w;
      const existing = segs.get(id);
      if (!existing) segs.set(id, { v: p.v, w: p.w, label: isMain ? e.label : null });
      if (isMain && !labelled.has(`${String(p.scope)}\u0000${id}`)) {
        labelled.add(`${String(p.scope)}\u0000${id}`);
        labelOwner.set(e.key, id);
      }
    }
  }

  // Bottom-up: a cluster's size is known once its own scope is laid out.
  const depth = new Map(view.clusters.map((c) => [c.key, chain(c.key).length]));
  const order = [...view.clusters].sort((x, y) => depth.get(y.key)! - depth.get(x.key)!);
  const layouts = new Map<string | null, ScopeLayout>();
  for (const c of order) {
    const inner = layoutScope(scope(c.key), measure, 0, options);
    layouts.set(c.key, inner);
    scope(c.parent).items.push({
      key: c.key,
      width: inner.width + 2 * CLUSTER.padding,
      height: inner.height + 2 * CLUSTER.padding + CLUSTER.labelBand,
    });
  }
  const root = layoutScope(scope(null), measure, MARGIN, options);
  layouts.set(null, root);

  // Top-down: place each scope's boxes and routes at its cluster's position.
  const nodes = new Map<string, NodeBox>();
  const clusters = new Map<string, ClusterBox>();
  const offsets = new Map<string | null, Point>([[null, { x: 0, y: 0 }]]);
  const place = (scopeKey: string | null): void => {
    const at = offsets.get(scopeKey)!;
    for (const [key, box] of layouts.get(scopeKey)!.boxes) {
      const abs = { key, x: box.x + at.x, y: box.y + at.y, width: box.width, height: box.height };
      if (clusterByKey.has(key)) {
        clusters.set(key, abs);
        offsets.set(key, { x: abs.x + CLUSTER.padding, y: abs.y + CLUSTER.padding + CLUSTER.labelBand });
        place(key);
      } else {
        nodes.set(key, abs);
      }
    }
  };
  place(null);

  const edges = new Map<string, EdgeRoute>();
  for (const e of view.edges) {
    const points: Point[] = [];
    let label: Point | null = null;
    for (const p of pieces.get(e.key)!) {
      const at = offsets.get(p.scope)!;
      const route = layouts.get(p.scope)!.routes.get(`${p.v}\u0000${p.w}`);
      if (!route) continue;
      // Where a route meets a cluster border, the route inside the cluster carries on from
      // its entry or exit point: drop the outer route's own end on the border.
      const from = clusterByKey.has(p.v) ? 1 : 0;
      const to = route.points.length - (clusterByKey.has(p.w) ? 1 : 0);
      for (const q of route.points.slice(from, to)) points.push({ x: q.x + at.x, y: q.y + at.y });
      if (route.label && labelOwner.get(e.key) === `${p.v}\u0000${p.w}`) {
        label = { x: route.label.x + at.x, y: route.label.y + at.y };
      }
    }
    edges.set(e.key, { key: e.key, points, label });
  }
  return { nodes, edges, clusters, width: root.width, height: root.height };
}

function layoutScope(s: Scope, measure: TextMeasure, margin: number, options: LayoutOptions): ScopeLayout {
  const structural = options.layeredOnly ? null : layoutSeriesParallel(s, (t) => measure.label(t), margin);
  return structural ?? layoutLayered(s, measure, margin);
}

/** The general layout, for a scope that is not series-parallel. */
function layoutLayered(s: Scope, measure: TextMeasure, margin: number): ScopeLayout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 22, edgesep: 8, marginx: margin, marginy: margin });
  g.setDefaultEdgeLabel(() => ({}));
  for (const item of s.items) g.setNode(item.key, { width: item.width, height: item.height });
  const ports = s.key !== null;
  if (ports) {
    g.setNode(ENTRY, { width: 1, height: 1 });
    g.setNode(EXIT, { width: 1, height: 1 });
  }
  for (const seg of s.segments.values()) {
    g.setEdge(seg.v, seg.w, seg.label
      ? { width: Math.ceil(measure.label(seg.label)) + 4, height: NODE.labelHeight, labelpos: 'r', labeloffset: 4 }
      : {});
  }
  dagre.layout(g);

  const boxes = new Map<string, Box>();
  for (const item of s.items) {
    const l = g.node(item.key);
    boxes.set(item.key, { x: l.x! - l.width / 2, y: l.y! - l.height / 2, width: l.width, height: l.height });
  }
  const routes = new Map<string, { points: Point[]; label: Point | null }>();
  for (const seg of s.segments.values()) {
    const l = g.edge(seg.v, seg.w);
    routes.set(`${seg.v}\u0000${seg.w}`, {
      points: (l.points ?? []).map((p: Point) => ({ x: p.x, y: p.y })),
      label: seg.label && l.x !== undefined && l.y !== undefined ? { x: l.x, y: l.y } : null,
    });
  }
  const graph = g.graph();
  let width = graph.width ?? 0;
  let height = graph.height ?? 0;
  if (ports) {
    // Entry and exit sit on the cluster's top and bottom border; snap the routes there.
    width = Math.max(width, 1);
    height = Math.max(height, 1);
    for (const seg of s.segments.values()) {
      const r = routes.get(`${seg.v}\u0000${seg.w}`)!;
      const first = r.points[0];
      const last = r.points.at(-1);
      if (seg.v === ENTRY && first) r.points[0] = { x: first.x, y: -CLUSTER.padding - CLUSTER.labelBand };
      if (seg.w === EXIT && last) r.points[r.points.length - 1] = { x: last.x, y: height + CLUSTER.padding };
    }
  }
  return { width, height, boxes, routes };
}
