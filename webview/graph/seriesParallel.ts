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

interface Arc<E> { v: string; w: string; tree: Raw<E> }

export interface SpEdge<E> { v: string; w: string; data: E }

/**
 * The decomposition of the graph between `source` and `sink`, or null when it is not
 * series-parallel (or some node is not on a path from source to sink). Edges between the same
 * two nodes become parallel branches; branch order is edge order.
 */
export function decompose<E>(source: string, sink: string, nodes: readonly string[], edges: readonly SpEdge<E>[]): SpTree<E> | null {
  const arcs = new Map<number, Arc<E>>();
  const outs = new Map<string, Set<number>>();
  const ins = new Map<string, Set<number>>();
  const byPair = new Map<string, number>();
  for (const n of [source, sink, ...nodes]) {
    outs.set(n, new Set());
    ins.set(n, new Set());
  }
  let next = 0;
  const work: string[] = [];
  const add = (v: string, w: string, tree: Raw<E>): void => {
    const pair = `${v}\u0000${w}`;
    const same = byPair.get(pair);
    if (same !== undefined) {
      const arc = arcs.get(same)!;
      arc.tree = arc.tree.kind === 'parallel' ? (arc.tree.branches.push(tree), arc.tree) : { kind: 'parallel', branches: [arc.tree, tree] };
      work.push(v, w);
      return;
    }
    const id = next++;
    arcs.set(id, { v, w, tree });
    byPair.set(pair, id);
    outs.get(v)!.add(id);
    ins.get(w)!.add(id);
  };
  const remove = (id: number): Arc<E> => {
    const arc = arcs.get(id)!;
    arcs.delete(id);
    byPair.delete(`${arc.v}\u0000${arc.w}`);
    outs.get(arc.v)!.delete(id);
    ins.get(arc.w)!.delete(id);
    return arc;
  };
  for (const e of edges) {
    if (!outs.has(e.v) || !ins.has(e.w)) return null;
    add(e.v, e.w, { kind: 'edge', edge: e.data });
  }
  work.push(...nodes);
  let reduced = 0;
  while (work.length > 0) {
    const x = work.pop()!;
    if (x === source || x === sink) continue;
    const i = ins.get(x)!;
    const o = outs.get(x)!;
    if (i.size !== 1 || o.size !== 1) continue;
    const a = remove(i.values().next().value!);
    const b = remove(o.values().next().value!);
    add(a.v, b.w, { kind: 'pair', first: a.tree, node: x, second: b.tree });
    reduced++;
    work.push(a.v, b.w);
  }
  if (arcs.size !== 1 || reduced !== nodes.length) return null;
  const last = arcs.values().next().value!;
  return last.v === source && last.w === sink ? flatten(last.tree) : null;
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
