import type { Box } from './geometry';
import type { GraphLayout } from './layout';

// Which nodes, edges and clusters of a layout lie in a rectangle: a uniform grid of buckets, so
// that drawing what is on screen costs in proportion to what is on screen, not to the graph.
// Pure: built from a layout, queried with rectangles in layout coordinates.

const CELL = 512;
/** Room for an edge's shape label, which sits beside the edge. */
const LABEL_REACH = 80;

export interface InRect {
  nodes: Set<string>;
  edges: Set<string>;
  clusters: Set<string>;
}

type Kind = keyof InRect;

export class SpatialIndex {
  private readonly cells = new Map<string, { kind: Kind; key: string; box: Box }[]>();

  constructor(layout: GraphLayout) {
    for (const [key, box] of layout.nodes) this.insert('nodes', key, box);
    for (const [key, box] of layout.clusters) this.insert('clusters', key, box);
    for (const [key, route] of layout.edges) {
      const xs = route.points.map((p) => p.x);
      const ys = route.points.map((p) => p.y);
      if (route.label) {
        xs.push(route.label.x - LABEL_REACH, route.label.x + LABEL_REACH);
        ys.push(route.label.y);
      }
      if (xs.length === 0) continue;
      const x = Math.min(...xs);
      const y = Math.min(...ys);
      this.insert('edges', key, { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y });
    }
  }

  query(rect: Box): InRect {
    const found: InRect = { nodes: new Set(), edges: new Set(), clusters: new Set() };
    for (const cell of this.cellsOf(rect)) {
      for (const item of this.cells.get(cell) ?? []) {
        if (intersects(item.box, rect)) found[item.kind].add(item.key);
      }
    }
    return found;
  }

  private insert(kind: Kind, key: string, box: Box): void {
    for (const cell of this.cellsOf(box)) {
      let list = this.cells.get(cell);
      if (!list) this.cells.set(cell, (list = []));
      list.push({ kind, key, box });
    }
  }

  private *cellsOf(box: Box): Generator<string> {
    const x0 = Math.floor(box.x / CELL);
    const x1 = Math.floor((box.x + box.width) / CELL);
    const y0 = Math.floor(box.y / CELL);
    const y1 = Math.floor((box.y + box.height) / CELL);
    for (let cx = x0; cx <= x1; cx++) for (let cy = y0; cy <= y1; cy++) yield `${cx},${cy}`;
  }
}

function intersects(a: Box, b: Box): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}

export function contains(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width
    && inner.y + inner.height <= outer.y + outer.height;
}

/** The rectangle grown by `by` times its own size on every side. */
export function grown(rect: Box, by: number): Box {
  return { x: rect.x - rect.width * by, y: rect.y - rect.height * by, width: rect.width * (1 + 2 * by), height: rect.height * (1 + 2 * by) };
}
