import type { IRNode } from '../dsl/ir';
import type { WindowGeometry } from './shapes';
import type { ReceptiveField, Shape } from './types';

// Receptive fields after Araujo, Norris & Sim (Distill 2019). Coordinates are input pixel
// centres, so the model input has size 1, jump 1, start 0; with k' = d(k − 1) + 1:
//   size  = size_in + (k' − 1)·jump_in
//   jump  = jump_in · stride
//   start = start_in + ((k' − 1)/2 − pad_before)·jump_in

export const INPUT_FIELD: ReceptiveField = { size: [1, 1], jump: [1, 1], start: [0, 0] };

function windowField(rf: ReceptiveField, g: WindowGeometry): ReceptiveField {
  // Written out per axis rather than through a helper: this runs once per layer on every edit.
  const [sh, sw] = rf.size, [jh, jw] = rf.jump, [th, tw] = rf.start;
  const [kh, kw] = g.kernel, [strideH, strideW] = g.stride, [ph, pw] = g.padBefore;
  return {
    size: [sh + (kh - 1) * jh, sw + (kw - 1) * jw],
    jump: [jh * strideH, jw * strideW],
    start: [th + ((kh - 1) / 2 - ph) * jh, tw + ((kw - 1) / 2 - pw) * jw],
  };
}

/**
 * adaptiveAvgPool2d: when the output divides the input, PyTorch's windows are exactly a pool
 * with kernel = stride = in/out and no padding, so the field is exact. Otherwise the windows
 * differ in size and spacing, no single (size, jump, start) describes them, and we say null
 * rather than something plausible but wrong.
 */
function adaptiveField(rf: ReceptiveField, input: Shape, size: [number, number]): ReceptiveField | null {
  const h = input[0]!, w = input[1]!;
  if (h % size[0] !== 0 || w % size[1] !== 0) return null;
  const k: [number, number] = [h / size[0], w / size[1]];
  return windowField(rf, { kernel: k, stride: k, padBefore: [0, 0] });
}

export interface MergedField {
  field: ReceptiveField;
  /** True when the inputs' jumps or starts disagree. */
  misaligned: boolean;
}

/** The largest of the inputs' fields (by area; the first on ties). */
export function mergeFields(fields: ReceptiveField[]): MergedField {
  let best = fields[0]!;
  for (const f of fields) if (f.size[0] * f.size[1] > best.size[0] * best.size[1]) best = f;
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  const misaligned = fields.some((f) => [0, 1].some((i) =>
    !same(f.jump[i]!, best.jump[i]!) || !same(f.start[i]!, best.start[i]!)));
  return { field: best, misaligned };
}

/** The field of a single-input layer, from its input's field and the geometry shapes found. */
export function layerField(node: IRNode, rf: ReceptiveField | null, input: Shape, output: Shape, window: WindowGeometry | null): ReceptiveField | null {
  if (!rf || output.length !== 3) return null; // flat outputs have no spatial field
  if (window) return windowField(rf, window);
  if (node.op.type === 'adaptiveAvgPool2d') return adaptiveField(rf, input, node.op.size);
  return rf; // element-wise
}
