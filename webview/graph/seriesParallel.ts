// Series-parallel decomposition of a two-terminal DAG, by series and parallel reductions.
//
// The DSL builds every graph from sequences, `residual`, `parallel` and `block`, so each scope
// of the view graph (a cluster's members between its entry and exit, or the top level between
// a virtual source and sink) is series-parallel. Reducing it gives the tree a layout can follow
// in time linear in its size. A graph that does not reduce yields null (the caller falls back
// to a general layout). Pure and generic: nodes are strings, edges carry their own data.

export type SpTree<E> =
  | { kind: 'edge'; edge: E }
  /** `parts[i]`, then `nodes[i]`, then `parts[i + 1]` …: always one more part than nodes. */
  | { kind: 'series'; parts: SpTree<E>[]; nodes: string[] }
  | { kind: 'parallel'; branches: SpTree<E>[] };

/** While reducing, series nest two at a time; `flatten` turns the nesting into lists. */
type Raw<E> =
  | { kind: 'edge'; edge: E }
  | { kind: 'pair'; first: Raw<E>; node: string; second: Raw<E> }
  | { kind: 'parallel'; branches: Raw<E>[] };

export interface SpEdge<E> { v: string; w: string; data: E }

/**
 * The decomposition of the graph between `source` and `sink`, or null when it is not
 * series-parallel (or some node is not on a path from source to sink). Edges between the same
 * two nodes become parallel branches; branch order is edge order.
 */
export function decompose<E>(source: string, sink: string, nodes: readonly string[], edges: readonly SpEdge<E>[]): SpTree<E> | null {
  // Nodes by number (source 0, sink 1), arcs in parallel arrays: this runs once per cluster of
  // the view, thousands of times on a big model.
  const id = new Map<string, number>([[source, 0], [sink, 1]]);
  for (const n of nodes) if (!id.has(n)) id.set(n, id.size);
  const count = id.size;
  const outs: number[][] = Array.from({ length: count }, () => []);
  const ins: number[][] = Array.from({ length: count }, () => []);
  const arcV: number[] = [];
  const arcW: number[] = [];
  const arcTree: Raw<E>[] = [];
  const byPair = new Map<number, number>();
  let alive = 0;
  const work: number[] = [];
  const add = (v: number, w: number, tree: Raw<E>): void => {
    const pair = v * count + w;
    const same = byPair.get(pair);
    if (same !== undefined) {
      const t = arcTree[same]!;
      arcTree[same] = t.kind === 'parallel' ? (t.branches.push(tree), t) : { kind: 'parallel', branches: [t, tree] };
      work.push(v, w);
      return;
    }
    const a = arcV.length;
    arcV.push(v);
    arcW.push(w);
    arcTree.push(tree);
    byPair.set(pair, a);
    outs[v]!.push(a);
    ins[w]!.push(a);
    alive++;
  };
  const remove = (a: number): void => {
    const v = arcV[a]!;
    const w = arcW[a]!;
    byPair.delete(v * count + w);
    outs[v]!.splice(outs[v]!.indexOf(a), 1);
    ins[w]!.splice(ins[w]!.indexOf(a), 1);
    alive--;
  };
  for (const e of edges) {
    const v = id.get(e.v);
    const w = id.get(e.w);
    if (v === undefined || w === undefined) return null;
    add(v, w, { kind: 'edge', edge: e.data });
  }
  const name: string[] = [];
  for (const [n, i] of id) name[i] = n;
  for (let i = count - 1; i >= 2; i--) work.push(i);
  let reduced = 0;
  while (work.length > 0) {
    const x = work.pop()!;
    if (x < 2) continue;
    const i = ins[x]!;
    const o = outs[x]!;
    if (i.length !== 1 || o.length !== 1) continue;
    const a = i[0]!;
    const b = o[0]!;
    remove(a);
    remove(b);
    add(arcV[a]!, arcW[b]!, { kind: 'pair', first: arcTree[a]!, node: name[x]!, second: arcTree[b]! });
    reduced++;
    work.push(arcV[a]!, arcW[b]!);
  }
  if (alive !== 1 || reduced !== count - 2) return null;
  const last = outs[0]![0];
  return last !== undefined && arcW[last] === 1 ? flatten(arcTree[last]!) : null;
}

/** Turns nested pairs into series lists, without recursing along a chain (chains are long). */
function flatten<E>(raw: Raw<E>): SpTree<E> {
  if (raw.kind === 'edge') return raw;
  if (raw.kind === 'parallel') return { kind: 'parallel', branches: raw.branches.map(flatten) };
  const parts: SpTree<E>[] = [];
  const nodes: string[] = [];
  // In-order walk over the pairs: left part, node, right part.
  const stack: (Raw<E> | { node: string })[] = [raw];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if ('node' in top && !('kind' in top)) {
      nodes.push(top.node);
    } else if ((top as Raw<E>).kind === 'pair') {
      const p = top as Extract<Raw<E>, { kind: 'pair' }>;
      stack.push(p.second, { node: p.node }, p.first);
    } else {
      parts.push(flatten(top as Raw<E>));
    }
  }
  return { kind: 'series', parts, nodes };
}
