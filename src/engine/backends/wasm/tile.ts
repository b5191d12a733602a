// Tile for the wasm backend. tfjs-core's batch-norm gradient tiles the per-channel scale up to
// the full activation ([N, H, W, C]) at every BatchNorm, and the backend's own Tile indexes one
// element at a time, which made it a large part of a ResNet's step (bench/README.md). Here each
// axis, innermost first, is written once and then repeated by block copies inside the output.

import { Tile, util, type KernelConfig, type KernelFunc, type TensorInfo, type TileAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './heap';

type Typed = Float32Array | Int32Array | Uint8Array;

/**
 * Writes x (shape) tiled by reps into out (row-major). At axis a, the input's block for one
 * index is laid out (recursively), then the whole block of `shape[a]` indices is copied reps[a]−1
 * more times after itself with copyWithin.
 */
function tileInto(x: Typed, out: Typed, shape: readonly number[], reps: readonly number[]): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const inStride = new Array<number>(rank);
  const outStride = new Array<number>(rank);
  inStride[rank - 1] = 1;
  outStride[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) {
    inStride[a] = inStride[a + 1]! * shape[a + 1]!;
    outStride[a] = outStride[a + 1]! * shape[a + 1]! * reps[a + 1]!;
  }
  const fill = (axis: number, inOff: number, outOff: number): void => {
    const n = shape[axis]!;
    if (axis === rank - 1) {
      out.set(x.subarray(inOff, inOff + n), outOff);
    } else {
      for (let i = 0; i < n; i++) fill(axis + 1, inOff + i * inStride[axis]!, outOff + i * outStride[axis]!);
    }
    const block = n * outStride[axis]!;
    for (let r = 1; r < reps[axis]!; r++) out.copyWithin(outOff + r * block, outOff, outOff + block);
  };
  fill(0, 0, 0);
}

function tile(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: TileAttrs }): TensorInfo {
  const { inputs: { x }, backend, attrs: { reps } } = args;
  if (x.dtype === 'string' || x.dtype === 'complex64') throw new Error(`wasm Tile does not support dtype ${x.dtype}`);
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  // Views after makeOutput: an allocation can grow (and detach) the heap.
  tileInto(backend.typedArrayFromHeap(x) as Typed, backend.typedArrayFromHeap(out) as Typed, x.shape, reps);
  return out;
}

export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tile as unknown as KernelFunc,
};
