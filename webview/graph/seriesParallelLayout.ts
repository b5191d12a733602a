import { CLUSTER, NODE, type Point, type Scope, type ScopeLayout } from './geometry';
import { decompose, type SpTree } from './seriesParallel';

// Lays out one scope of the view graph (a cluster's members, or the top level) by following
// its series-parallel structure: a sequence stacks top to bottom on one axis, the branches of
// a parallel (or a residual's body and shortcut) stand side by side between the node that
// feeds them and the node that merges them. Two passes over the decomposition (sizes bottom
// up, positions top down), so the time is linear in the scope's size, where a general layered
// layout grows faster. Returns null when the scope is not series-parallel.

const NODESEP = 18;
const RANKSEP = 22;
const LABEL_OFFSET = 4;

export const ENTRY = '\u0000entry';
export const EXIT = '\u0000exit';
const SOURCE = '\u0000source';
const SINK = '\u0000sink';

/** A scope segment, or null for a virtual edge that only ties a dangling node to a terminal. */
interface Leaf { v: string; w: string; label: string | null; labelWidth: number }
type Tree = SpTree<Leaf | null>;

interface Extent { left: number; right: number; height: number }
interface Lane { x: number; y0: number; y1: number }

export function layoutSeriesParallel(s: Scope, labelWidth: (text: string) => number, margin: number): ScopeLayout | null {
  const ports = s.key !== null;
  const top = ports ? ENTRY : SOURCE;
  const bottom = ports ? EXIT : SINK;
  const size = new Map(s.items.map((i) => [i.key, i]));
  const order = new Map(s.items.map((i, n) => [i.key, n]));
  const hasIn = new Set<string>();
  const hasOut = new Set<string>();
  const edges: { v: string; w: string; data: Leaf | null }[] = [];
  for (const seg of s.segments.values()) {
    edges.push({ v: seg.v, w: seg.w, data: { ...seg, labelWidth: seg.label ? Math.ceil(labelWidth(seg.label)) + 4 : 0 } });
    hasOut.add(seg.v);
    hasIn.add(seg.w);
  }
  // Nodes that take nothing from inside the scope hang from its top; nodes whose output
  // leaves nothing in the scope, from its bottom.
  for (const i of s.items) {
    if (!hasIn.has(i.key)) edges.push({ v: top, w: i.key, data: null });
    if (!hasOut.has(i.key)) edges.push({ v: i.key, w: bottom, data: null });
  }
  if (ports && s.items.length === 0 && edges.length === 0) edges.push({ v: ENTRY, w: EXIT, data: null });
  const tree = decompose<Leaf | null>(top, bottom, s.items.map((i) => i.key), edges);
  if (!tree) return null;

  // Sizes, bottom up (memoised: each subtree is measured once).
  const extents = new Map<Tree, Extent>();
  const firstItem = new Map<Tree, number>();
  const measure = (t: Tree): Extent => {
    let e: Extent;
    let first = Infinity;
    if (t.kind === 'edge') {
      const leaf = t.edge;
      e = leaf === null ? { left: 0, right: 0, height: 0 }
        : { left: 0, right: leaf.label ? LABEL_OFFSET + leaf.labelWidth : 0, height: RANKSEP + (leaf.label ? NODE.labelHeight : 0) };
    } else if (t.kind === 'series') {
      e = { left: 0, right: 0, height: 0 };
      for (const p of t.parts) {
        const pe = measure(p);
        e = { left: Math.max(e.left, pe.left), right: Math.max(e.right, pe.right), height: e.height + pe.height };
        first = Math.min(first, firstItem.get(p)!);
      }
      for (const n of t.nodes) {
        const box = size.get(n)!;
        e = { left: Math.max(e.left, box.width / 2), right: Math.max(e.right, box.width / 2), height: e.height + box.height };
        first = Math.min(first, order.get(n)!);
      }
    } else {
      // Branches in model order; bare edges (an identity shortcut) to the right.
      for (const b of t.branches) measure(b);
      t.branches.sort((a, b) => compareFirst(firstItem.get(a)!, firstItem.get(b)!));
      const axes = branchAxes(t.branches.map((b) => extents.get(b)!));
      const axis = parallelAxis(t.branches, axes);
      const last = t.branches.length - 1;
      e = {
        left: axis - (axes[0]! - extents.get(t.branches[0]!)!.left),
        right: axes[last]! + extents.get(t.branches[last]!)!.right - axis,
        height: Math.max(...t.branches.map((b) => extents.get(b)!.height)),
      };
      first = firstItem.get(t.branches[0]!)!;
    }
    extents.set(t, e);
    firstItem.set(t, first);
    return e;
  };
  const whole = measure(tree);

  // Positions, top down. A branch shorter than its parallel stretches its last part.
  const boxes = new Map<string, { x: number; y: number; width: number; height: number }>();
  const lanes = new Map<Leaf, Lane>();
  const half = Math.max(whole.left, whole.right);
  const axis0 = ports ? half : margin + whole.left;
  const place = (t: Tree, x: number, y: number, height: number): void => {
    if (t.kind === 'edge') {
      if (t.edge) lanes.set(t.edge, { x, y0: y, y1: y + height });
    } else if (t.kind === 'series') {
      let at = y;
      const spare = height - extents.get(t)!.height;
      t.parts.forEach((p, i) => {
        const h = extents.get(p)!.height + (i === t.parts.length - 1 ? spare : 0);
        place(p, x, at, h);
        at += h;
        const n = t.nodes[i];
        if (n !== undefined) {
          const box = size.get(n)!;
          boxes.set(n, { x: x - box.width / 2, y: at, width: box.width, height: box.height });
          at += box.height;
        }
      });
    } else {
      const axes = branchAxes(t.branches.map((b) => extents.get(b)!));
      const shift = x - parallelAxis(t.branches, axes);
      t.branches.forEach((b, i) => place(b, axes[i]! + shift, y, height));
    }
  };
  place(tree, axis0, ports ? 0 : margin, whole.height);

  const width = ports ? Math.max(2 * half, 1) : whole.left + whole.right + 2 * margin;
  const height = ports ? Math.max(whole.height, 1) : whole.height + 2 * margin;
  const bottomOf = (key: string): Point => key === ENTRY ? { x: axis0, y: -CLUSTER.padding - CLUSTER.labelBand }
    : { x: boxes.get(key)!.x + boxes.get(key)!.width / 2, y: boxes.get(key)!.y + boxes.get(key)!.height };
  const topOf = (key: string): Point => key === EXIT ? { x: axis0, y: height + CLUSTER.padding }
    : { x: boxes.get(key)!.x + boxes.get(key)!.width / 2, y: boxes.get(key)!.y };
  const routes = new Map<string, { points: Point[]; label: Point | null }>();
  for (const [leaf, lane] of lanes) {
    const from = bottomOf(leaf.v);
    const to = topOf(leaf.w);
    const mid = (lane.y0 + lane.y1) / 2;
    const points: Point[] = [from];
    if (lane.x !== from.x) points.push({ x: lane.x, y: Math.min(lane.y0 + RANKSEP / 2, mid) });
    if (lane.x !== to.x) points.push({ x: lane.x, y: Math.max(lane.y1 - RANKSEP / 2, mid) });
    points.push(to);
    const label = leaf.label ? { x: lane.x + LABEL_OFFSET + leaf.labelWidth / 2, y: mid } : null;
    routes.set(`${leaf.v}\u0000${leaf.w}`, { points, label });
  }
  return { width, height, boxes, routes };
}

/** Axes of branches set side by side, NODESEP apart, the first at its own left extent. */
function branchAxes(extents: Extent[]): number[] {
  const axes: number[] = [];
  let right = 0;
  extents.forEach((e, i) => {
    const axis = i === 0 ? e.left : right + NODESEP + e.left;
    axes.push(axis);
    right = axis + e.right;
  });
  return axes;
}

/**
 * Where a parallel's own axis (that of the nodes before and after it) runs: through its one
 * branch with layers when the others are bare edges (a residual's body stays in line with the
 * chain; its shortcut bends round it), else midway between the outer branches.
 */
function parallelAxis(branches: Tree[], axes: number[]): number {
  const withLayers = branches.map((b, i) => [b, i] as const).filter(([b]) => b.kind !== 'edge');
  if (withLayers.length === 1) return axes[withLayers[0]![1]]!;
  return (axes[0]! + axes.at(-1)!) / 2;
}

/** Model order of two subtrees' first layers (Infinity for a bare edge: it goes last). */
function compareFirst(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
