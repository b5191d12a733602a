// The activations' gradients (kernelNames.ts: RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL) for the
// wasm backend: one SIMD pass (simd.ts) each, where tfjs runs three element-wise kernels with
// two intermediate tensors of the activation's size (the small CNN's first: 64×24×24×6). The
// same float32 operations in the same order as tfjs's formulas: bit for bit its results.

import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL } from '../kernelNames';
import { alloc, f32, type BackendWasm } from './heap';
import { addressOf, simdKernels, type Run } from './simd';

type Simd = NonNullable<ReturnType<typeof simdKernels>>;

/**
 * A kernel over inputs dy and x (the saved input or output): `simd` on whole vectors of 4,
 * `scalar` on the rest.
 */
function activationGrad(name: string, simd: (k: Simd) => Run, scalar: (dy: number, x: number) => number): KernelConfig {
  const kernelFunc = ({ inputs: { dy, x }, backend }: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm }): TensorInfo => {
    if (!util.arraysEqual(dy.shape, x.shape) || dy.dtype !== 'float32' || x.dtype !== 'float32') {
      throw new Error(`${name}: dy and x must be float32 of one shape`);
    }
    const n = util.sizeFromShape(x.shape);
    const dx = alloc(backend, [...x.shape]);
    const vectors = n >> 2;
    const kernels = vectors > 0 ? simdKernels(backend) : undefined;
    const done = kernels ? vectors * 4 : 0;
    if (kernels) simd(kernels)(addressOf(backend, x.dataId), addressOf(backend, dy.dataId), addressOf(backend, dx.dataId), vectors);
    if (done < n) {
      const xs = f32(backend, x), g = f32(backend, dy), out = f32(backend, dx);
      for (let i = done; i < n; i++) out[i] = scalar(g[i]!, xs[i]!);
    }
    return dx;
  };
  return { kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** dy · (x > 0 ? 1 : 0). */
export const reluGradConfig = activationGrad(RELU_GRAD_KERNEL, (k) => k.reluGrad(), (dy, x) => dy * (x > 0 ? 1 : 0));

/** dy · (y · (1 − y)), each step rounded to float32 as tfjs's sub and two muls round it. */
export const sigmoidGradConfig = activationGrad(SIGMOID_GRAD_KERNEL, (k) => k.sigmoidGrad(),
  (dy, y) => Math.fround(dy * Math.fround(y * Math.fround(1 - y))));
