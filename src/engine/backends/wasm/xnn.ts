// The wasm backend's own fast kernels (XNNPACK convolution, transpose), captured at
// registration so that our gradient kernels can call them on rearranged tensors.

import { getKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './heap';

let conv2dKernel: KernelFunc | undefined;
let transposeKernel: KernelFunc | undefined;
let depthwiseKernel: KernelFunc | undefined;
let sumKernel: KernelFunc | undefined;

export function captureBaseKernels(): void {
  conv2dKernel = getKernel('Conv2D', 'wasm')?.kernelFunc;
  transposeKernel = getKernel('Transpose', 'wasm')?.kernelFunc;
  depthwiseKernel = getKernel('DepthwiseConv2dNative', 'wasm')?.kernelFunc;
  sumKernel = getKernel('Sum', 'wasm')?.kernelFunc;
  if (!conv2dKernel || !transposeKernel || !depthwiseKernel || !sumKernel) {
    throw new Error('@tensorflow/tfjs-backend-wasm lacks Conv2D, Transpose, DepthwiseConv2dNative or Sum: unexpected version');
  }
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

/** Stride-1 NHWC depthwise convolution with explicit padding [top, bottom, left, right]. */
export function depthwiseConv2d(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, pads: [number, number, number, number]): TensorInfo {
  const [t, b, l, r] = pads;
  return depthwiseKernel!({
    inputs: { x, filter }, backend,
    attrs: { strides: 1, dilations: 1, pad: [[0, 0], [t, b], [l, r], [0, 0]] },
  }) as TensorInfo;
}

/** Sum over the last axis, keeping it (size 1). */
export function sumLastAxis(backend: BackendWasm, x: TensorInfo): TensorInfo {
  return sumKernel!({ inputs: { x }, backend, attrs: { axis: [x.shape.length - 1], keepDims: true } }) as TensorInfo;
}
