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

