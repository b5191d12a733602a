// The wasm backend's own fast kernels (XNNPACK convolution, transpose), captured at
// registration so that our gradient kernels can call them on rearranged tensors.

import { getKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './heap';

let conv2dKernel: KernelFunc | undefined;
let transposeKernel: KernelFunc | undefined;

export function captureBaseKernels(): void {
  conv2dKernel = getKernel('Conv2D', 'wasm')?.kernelFunc;
  transposeKernel = getKernel('Transpose', 'wasm')?.kernelFunc;
  if (!conv2dKernel || !transposeKernel) throw new Error('@tensorflow/tfjs-backend-wasm lacks Conv2D or Transpose: unexpected version');
}

/** Stride-1 NHWC convolution with explicit padding [top, bottom, left, right], on XNNPACK. */
export function conv2d(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, pads: [number, number, number, number]): TensorInfo {
  const [t, b, l, r] = pads;
  return conv2dKernel!({
    inputs: { x, filter }, backend,
    attrs: { strides: 1, dilations: 1, dataFormat: 'NHWC', pad: [[0, 0], [t, b], [l, r], [0, 0]] },
  }) as TensorInfo;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return transposeKernel!({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}
