// ReLU's gradient (kernelNames.ts: RELU_GRAD_KERNEL) for the wasm backend: one SIMD pass
// (simd.ts) where tfjs runs step, cast and multiply, three dispatches and two intermediate
// tensors of the activation's size (the small CNN's first: 64×24×24×6).

import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL } from '../kernelNames';
import { alloc, f32, type BackendWasm } from './heap';
import { addressOf, simdKernels } from './simd';

function reluGrad({ inputs: { dy, x }, backend }: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  if (!util.arraysEqual(dy.shape, x.shape) || dy.dtype !== 'float32' || x.dtype !== 'float32') {
    throw new Error(`${RELU_GRAD_KERNEL}: dy and x must be float32 of one shape`);
  }
  const n = util.sizeFromShape(x.shape);
  const dx = alloc(backend, [...x.shape]);
  const vectors = n >> 2;
  const simd = vectors > 0 ? simdKernels(backend) : undefined;
  const done = simd ? vectors * 4 : 0;
  if (simd) simd.reluGrad()(addressOf(backend, x.dataId), addressOf(backend, dy.dataId), addressOf(backend, dx.dataId), vectors);
  if (done < n) {
    const xs = f32(backend, x), g = f32(backend, dy), out = f32(backend, dx);
    for (let i = done; i < n; i++) out[i] = g[i]! * (xs[i]! > 0 ? 1 : 0);
  }
  return dx;
}

export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
