// Geometry shared by the layout and the drawing: boxes, points, and the fixed sizes of a node
// box and a cluster box (render.ts draws text at these offsets).

export interface Point { x: number; y: number }
export interface Box { x: number; y: number; width: number; height: number }

/** Geometry of a node box; render.ts draws text at these offsets. */
export const NODE = {
  paddingX: 10,
  minWidth: 84,
  height: 40,
  titleBaseline: 16,
  subtitleBaseline: 32,
  labelHeight: 12,
  groupToggleWidth: 14,
} as const;

/** Geometry of a cluster box: its label sits in the top band. */
export const CLUSTER = { padding: 10, labelBand: 16 } as const;

/** One group's contents to lay out (a cluster, or the top level), as both layouts take it. */
export interface Scope {
  key: string | null;
  items: { key: string; width: number; height: number }[];
  /** Segments by `v\0w`; `label` set on the segment that carries a shape label. */
  segments: Map<string, { v: string; w: string; label: string | null }>;
}

export interface ScopeLayout {
  width: number;
  height: number;
  boxes: Map<string, Box>;
  routes: Map<string, { points: Point[]; label: Point | null }>;
}
