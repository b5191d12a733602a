// The 2×2 stride-2 pooling geometry and the walk over its windows, shared by the SIMD kernels of
// pooling (pool.ts) and of its gradients (poolGrad.ts).

import type { WatFunction } from './simdAssembler';

/** Geometry of 2×2 stride-2 pooling (forward or gradient) without padding, C ≥ 4 channels. */
export interface Pool2x2 { N: number; H: number; W: number; C: number; OH: number; OW: number }

/**
 * Walks every 2×2/2 window: local `cell` at the byte address of the window's top-left cell in an
 * input-sized [N, H, W, C] tensor (from `start`), local `out` (set by the caller) at the window's
 * output in an output-sized one. `body` gets the byte offsets, from either address, of the
 * channel vectors: four channels each, the last overlapping the one before when C is not a
 * multiple of 4 (the shared channels get the same values twice), and the steps to the cells on
 * the right and below. Rows and columns outside every window (odd H or W) are skipped.
 */
export function eachWindow2x2(f: WatFunction, g: Pool2x2, start: number, out: number,
  body: (cell: number, vectors: number[], right: number, down: number) => void): void {
  const { N, H, W, C, OH, OW } = g;
  const vectors: number[] = [];
  for (let ch = 0; ch + 4 <= C; ch += 4) vectors.push(ch * 4);
  if (C % 4) vectors.push((C - 4) * 4);
  const right = C * 4, down = W * C * 4;
  const row = f.i32(), cell = f.i32();
  f.setFrom(row, start);
  f.repeat(N, () => {
    f.repeat(OH, () => {
      f.setFrom(cell, row);
      f.repeat(OW, () => {
        body(cell, vectors, right, down);
        f.inc(cell, 2 * right).inc(out, right);
      });
      f.inc(row, 2 * down);
    });
    f.inc(row, (H - 2 * OH) * down);
  });
}
