// The activations' gradients (kernelNames.ts: RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL) for the
// wasm backend: one SIMD pass (below) each, where tfjs runs three element-wise kernels with
// two intermediate tensors of the activation's size (the small CNN's first: 64×24×24×6). The
// same float32 operations in the same order as tfjs's formulas: bit for bit its results.

import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL } from '../kernelNames';
import { alloc, f32, type BackendWasm } from './heap';
import { addressOf, simdKernel, WatFunction, type Run } from './simdAssembler';

/**
 * An activation's gradient over `count` (> 0) vectors of 4 floats, params (x, dy, dx, count):
 * `vector` pushes dx's vector for the current x and dy (locals holding their addresses).
 */
function buildActivationGrad(vector: (f: WatFunction, x: number, dy: number) => void): WatFunction {
  const f = new WatFunction(4);
  const [X, DY, DX, COUNT] = [0, 1, 2, 3];
  const xp = f.i32(), dyp = f.i32(), dxp = f.i32();
  f.setFrom(xp, X).setFrom(dyp, DY).setFrom(dxp, DX);
  f.repeatLocal(COUNT, () => {
    f.get(dxp);
    vector(f, xp, dyp);
    f.vStore(0);
    for (const p of [xp, dyp, dxp]) f.inc(p, 16);
  });
  return f;
}

/**
 * ReLU's gradient dx = dy · (x > 0 ? 1 : 0), a product as tfjs computes it (so −0 for a negative
 * dy, NaN for a NaN dy, wherever x ≤ 0).
 */
const simdReluGrad = simdKernel('reluGrad', () => buildActivationGrad((f, x, dy) => {
  f.get(dy).vLoad(0).vConstF32(1).get(x).vLoad(0).vConstF32(0).op('f32x4.gt').op('v128.and').op('f32x4.mul');
}));

/** Sigmoid's gradient dx = dy · (y · (1 − y)), y its output: tfjs's formula, its roundings included. */
const simdSigmoidGrad = simdKernel('sigmoidGrad', () => buildActivationGrad((f, y, dy) => {
  f.get(dy).vLoad(0).get(y).vLoad(0).vConstF32(1).get(y).vLoad(0).op('f32x4.sub').op('f32x4.mul').op('f32x4.mul');
}));

/**
 * A kernel over inputs dy and x (the saved input or output): `simd` on whole vectors of 4,
 * `scalar` on the rest.
 */
function activationGrad(name: string, simd: (backend: BackendWasm) => Run | undefined, scalar: (dy: number, x: number) => number): KernelConfig {
  const kernelFunc = ({ inputs: { dy, x }, backend }: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm }): TensorInfo => {
    if (!util.arraysEqual(dy.shape, x.shape) || dy.dtype !== 'float32' || x.dtype !== 'float32') {
      throw new Error(`${name}: dy and x must be float32 of one shape`);
    }
    const n = util.sizeFromShape(x.shape);
    const dx = alloc(backend, [...x.shape]);
    const vectors = n >> 2;
    const run = vectors > 0 ? simd(backend) : undefined;
    const done = run ? vectors * 4 : 0;
    if (run) run(addressOf(backend, x.dataId), addressOf(backend, dy.dataId), addressOf(backend, dx.dataId), vectors);
    if (done < n) {
      const xs = f32(backend, x), g = f32(backend, dy), out = f32(backend, dx);
      for (let i = done; i < n; i++) out[i] = scalar(g[i]!, xs[i]!);
    }
    return dx;
  };
  return { kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** dy · (x > 0 ? 1 : 0). */
export const reluGradConfig = activationGrad(RELU_GRAD_KERNEL, simdReluGrad, (dy, x) => dy * (x > 0 ? 1 : 0));

/** dy · (y · (1 − y)), each step rounded to float32 as tfjs's sub and two muls round it. */
export const sigmoidGradConfig = activationGrad(SIGMOID_GRAD_KERNEL, simdSigmoidGrad,
  (dy, y) => Math.fround(dy * Math.fround(y * Math.fround(1 - y))));
