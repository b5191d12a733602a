import type { GraphLayout, NodeBox } from './layout';
import type { ViewGraph } from './viewGraph';

// Which node an arrow key moves the selection to. Down and up follow the edges (to the
// consumer or producer closest in x), left and right go to the nearest node beside it,
// preferring the same row. Pure: reads the view and its layout.

export type Direction = 'up' | 'down' | 'left' | 'right';

const centre = (b: NodeBox) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

export function neighbour(view: ViewGraph, layout: GraphLayout, from: string, dir: Direction): string | null {
  const here = layout.nodes.get(from);
  if (!here) return null;
  const c = centre(here);
  const closest = (keys: string[], score: (b: NodeBox) => number): string | null => {
    let best: string | null = null;
    let bestScore = Infinity;
    for (const k of keys) {
      const b = layout.nodes.get(k);
      if (!b) continue;
      const s = score(b);
      if (s < bestScore) [best, bestScore] = [k, s];
    }
    return best;
  };
  if (dir === 'down' || dir === 'up') {
    const next = view.edges
      .filter((e) => (dir === 'down' ? e.from === from : e.to === from))
      .map((e) => (dir === 'down' ? e.to : e.from));
    return closest(next, (b) => Math.abs(centre(b).x - c.x));
  }
  const side = dir === 'right' ? 1 : -1;
  const candidates = view.nodes
    .map((n) => n.key)
    .filter((k) => k !== from && (centre(layout.nodes.get(k)!).x - c.x) * side > 0);
  // Same row first (rows are dagre ranks, so same y); then anything on that side.
  return closest(candidates, (b) => {
    const p = centre(b);
    const dy = Math.abs(p.y - c.y);
    return (dy < here.height / 2 ? 0 : 1e6) + dy * 4 + Math.abs(p.x - c.x);
  });
}
