// Direct access to the wasm backend's tensor memory. Our training kernels rearrange data in JS
// (im2col, col2im, transposes) straight on the wasm heap and hand the heavy arithmetic to the
// backend's own XNNPACK matrix multiply, so no data is copied between JS and wasm.
//
// A Float32Array over the heap is only valid until the next allocation: a malloc can grow the
// wasm memory, which detaches the old ArrayBuffer. Take views after allocating, never before.

import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };

/** A float32 view of a tensor's data (valid until the next wasm allocation). */
export function f32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** A new float32 tensor on the heap, contents undefined. Dispose with `free`. */
export function alloc(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

export function free(backend: BackendWasm, t: TensorInfo): void {
  backend.disposeData(t.dataId);
}

function offsetOf(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * A tensor that aliases `count` floats of `base` starting at element `start`, with its own id,
 * so that a wasm kernel can read a slice (e.g. a batch chunk) without a copy. Release it with
 * `releaseView`, never `free`: the memory belongs to `base`.
 */
export function view(backend: BackendWasm, base: TensorInfo, start: number, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32', offsetOf(backend, base) + start * 4);
}

export function releaseView(backend: BackendWasm, v: TensorInfo): void {
  const data = backend.dataIdMap.get(v.dataId);
  // Unregister in C++ (which also drops XNNPACK operators cached for this id) without freeing.
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(v.dataId);
}
