// BatchNorm's gradient (the FusedBatchNorm kernel's, in training: batch statistics) for the wasm
// backend in one kernel. tfjs's gradient runs a dozen element-wise kernels, a Tile and four Sums
// on activations of the layer's full size (ResNet-18: 20 such layers, up to 64×32×32×64); the
// five gradients need only two per-channel sums, Σdy and Σ(x − mean)·dy, one SIMD pass over x
// and dy (below), and one product dy · scale/√(variance + ε) for dx (the backend's Multiply,
// XNNPACK). tfjs keeps one gradient per kernel name for every backend: the one registered here
// takes this kernel where the current backend has it and the shapes are per-channel, and
// tfjs's own gradient everywhere else.

import {
  engine, FusedBatchNorm, getBackend, getGradient, getKernel, registerGradient, util,
  type FusedBatchNormAttrs, type GradConfig, type KernelConfig, type KernelFunc, type NamedTensorMap, type Tensor, type TensorInfo,
} from '@tensorflow/tfjs-core';
// tfjs's own gradients, registered before ours replaces one of them (as importing
// @tensorflow/tfjs-layers does, whichever of the two modules loads first).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { alloc, f32, free, type BackendWasm } from './heap';
import { addressOf, simdKernel, WatFunction } from './simdAssembler';

/**
 * Inputs x [..., C], dy (x's shape), mean, variance and optionally scale ([C], float32); attrs
 * varianceEpsilon; outputs [dx, dmean, dvariance, dscale, doffset] as tfjs's FusedBatchNorm
 * gradient computes them.
 */
const BATCH_NORM_GRAD_KERNEL = 'CnnExplorerBatchNormGrad';

/** The most channels one pass of the kernel covers: its registers hold two sums for each. */
const MAX_WIDTH = 64;

/** Blocks per kernel call; the calls' partial sums are added in double precision. */
const BLOCKS_PER_CALL = 256;

function periodOf(C: number): number {
  let a = C, b = 4;
  while (b) [a, b] = [b, a % b];
  return (C / a) * 4;
}

/**
 * Over `blocks` (> 0) blocks of L floats, `stride` floats apart, of x and dy: acc[p] = Σ dy[p],
 * acc[L + p] = Σ (x[p] − mean[p]) · dy[p] (mean: L floats, the channels' means as the block
 * meets them).
 */
function buildCenteredSums({ L, stride }: { L: number; stride: number }): WatFunction {
  const f = new WatFunction(5);
  const [X, DY, MEAN, ACC, BLOCKS] = [0, 1, 2, 3, 4];
  const nv = L / 4;
  const xp = f.i32(), dyp = f.i32();
  const sumDy = Array.from({ length: nv }, () => f.v128());
  const sumXDy = Array.from({ length: nv }, () => f.v128());
  const d = f.v128();
  for (let i = 0; i < nv; i++) {
    f.vConstF32(0).set(sumDy[i]!);
    f.vConstF32(0).set(sumXDy[i]!);
  }
  f.setFrom(xp, X).setFrom(dyp, DY);
  f.repeatLocal(BLOCKS, () => {
    for (let i = 0; i < nv; i++) {
      f.get(dyp).vLoad(i * 16).set(d);
      f.get(sumDy[i]!).get(d).op('f32x4.add').set(sumDy[i]!);
      f.get(sumXDy[i]!).get(xp).vLoad(i * 16).get(MEAN).vLoad(i * 16).op('f32x4.sub').get(d).op('f32x4.mul').op('f32x4.add').set(sumXDy[i]!);
    }
    f.inc(xp, stride * 4).inc(dyp, stride * 4);
  });
  for (let i = 0; i < nv; i++) {
    f.get(ACC).get(sumDy[i]!).vStore(i * 16);
    f.get(ACC).get(sumXDy[i]!).vStore(L * 4 + i * 16);
  }
  return f;
}

const simdCenteredSums = simdKernel('batchNormCenteredSums', buildCenteredSums);

/**
 * Σdy and Σ(x − mean)·dy per channel, by the SIMD kernel: blocks of whole pixels (up to MAX_WIDTH
 * floats), else (C a multiple of 4) strips of MAX_WIDTH channels read from every pixel.
 * Undefined where it cannot run.
 */
function centeredSumsSimd(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, mean: Float32Array, C: number): [Float64Array, Float64Array] | undefined {
  const total = util.sizeFromShape(x.shape);
  const L = periodOf(C);
  const strips = L > MAX_WIDTH;
  if (strips && C % 4 !== 0) return undefined;
  const stride = strips ? C : L;
  const kernelFor = (width: number) => simdCenteredSums(backend, { L: width, stride });
  if (!kernelFor(Math.min(MAX_WIDTH, stride)) || (strips && C % MAX_WIDTH && !kernelFor(C % MAX_WIDTH))) return undefined;
  const blocks = Math.floor(total / stride);
  const sumDy = new Float64Array(C);
  const sumXDy = new Float64Array(C);
  const scratch = alloc(backend, [3 * MAX_WIDTH]);
  try {
    const xAddr = addressOf(backend, x.dataId);
    const dyAddr = addressOf(backend, dy.dataId);
    const base = addressOf(backend, scratch.dataId);
    const s32 = f32(backend, scratch);
    for (let s = 0; s < stride; s += MAX_WIDTH) {
      const width = Math.min(MAX_WIDTH, stride - s);
      const run = kernelFor(width)!;
      for (let p = 0; p < width; p++) s32[p] = mean[(s + p) % C]!;
      for (let b0 = 0; b0 < blocks; b0 += BLOCKS_PER_CALL) {
        const offset = (b0 * stride + s) * 4;
        run(xAddr + offset, dyAddr + offset, base, base + MAX_WIDTH * 4, Math.min(BLOCKS_PER_CALL, blocks - b0));
        for (let p = 0; p < width; p++) {
          sumDy[(s + p) % C]! += s32[MAX_WIDTH + p]!;
          sumXDy[(s + p) % C]! += s32[MAX_WIDTH + width + p]!;
        }
      }
    }
    const xs = f32(backend, x);
    const dys = f32(backend, dy);
    for (let i = blocks * stride; i < total; i++) {
      const c = i % C;
      sumDy[c]! += dys[i]!;
      sumXDy[c]! += (xs[i]! - mean[c]!) * dys[i]!;
    }
  } finally {
    free(backend, scratch);
  }
  return [sumDy, sumXDy];
}

/** The same sums in plain JS (no SIMD in this runtime). */
function centeredSumsJs(xs: Float32Array, dys: Float32Array, mean: Float32Array, C: number): [Float64Array, Float64Array] {
  const sumDy = new Float64Array(C);
  const sumXDy = new Float64Array(C);
  for (let i = 0, c = 0; i < xs.length; i++, c = c + 1 === C ? 0 : c + 1) {
    sumDy[c]! += dys[i]!;
    sumXDy[c]! += (xs[i]! - mean[c]!) * dys[i]!;
  }
  return [sumDy, sumXDy];
}

let multiplyKernel: KernelFunc | undefined;

function batchNormGrad(args: {
  inputs: { x: TensorInfo; dy: TensorInfo; mean: TensorInfo; variance: TensorInfo; scale?: TensorInfo };
  backend: BackendWasm; attrs: { varianceEpsilon: number };
}): TensorInfo[] {
  const { inputs: { x, dy, mean, variance, scale }, backend, attrs: { varianceEpsilon } } = args;
  const C = x.shape[x.shape.length - 1]!;
  const m = f32(backend, mean).slice();
  const sums = centeredSumsSimd(backend, x, dy, m, C) ?? centeredSumsJs(f32(backend, x), f32(backend, dy), m, C);
  const [sumDy, sumXDy] = sums;
  const outputs = [0, 1, 2, 3, 4].map(() => alloc(backend, [C]));
  // Views after the allocations (an allocation can grow the memory and detach earlier ones).
  const v = f32(backend, variance);
  const g = scale ? f32(backend, scale) : undefined;
  const [factor, dMean, dVariance, dScale, dOffset] = outputs.map((t) => f32(backend, t)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let c = 0; c < C; c++) {
    const r = 1 / Math.sqrt(v[c]! + varianceEpsilon);
    const gc = g ? g[c]! : 1;
    factor[c] = gc * r;
    dMean[c] = -r * gc * sumDy[c]!;
    dVariance[c] = -0.5 * r * r * r * gc * sumXDy[c]!;
    dScale[c] = r * sumXDy[c]!;
    dOffset[c] = sumDy[c]!;
  }
  try {
    multiplyKernel ??= getKernel('Multiply', 'wasm')!.kernelFunc;
    const dx = multiplyKernel({ inputs: { a: dy, b: outputs[0]! }, backend, attrs: {} }) as TensorInfo;
    return [dx, ...outputs.slice(1)];
  } finally {
    free(backend, outputs[0]!);
  }
}

export const batchNormGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: batchNormGrad as unknown as KernelFunc,
};

/** Whether the fused kernel computes this layer's gradient: per-channel float32 statistics. */
function fusable(x: Tensor, dy: Tensor, mean: Tensor, variance: Tensor, scale: Tensor | undefined): boolean {
  const C = x.shape[x.shape.length - 1];
  const perChannel = (t: Tensor) => t.dtype === 'float32' && t.rank === 1 && t.shape[0] === C;
  return x.rank >= 2 && x.dtype === 'float32' && dy.dtype === 'float32' && util.arraysEqual(x.shape, dy.shape)
    && perChannel(mean) && perChannel(variance) && (scale === undefined || perChannel(scale))
    && getKernel(BATCH_NORM_GRAD_KERNEL, getBackend()) !== undefined;
}

let tfjsGradient: GradConfig | undefined;

/** Idempotent. */
export function registerBatchNormGradient(): void {
  if (tfjsGradient) return;
  const original = getGradient(FusedBatchNorm);
  if (!original) return;
  tfjsGradient = original;
  registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | null | undefined];
      const dyT = dy as Tensor;
      if (!fusable(x, dyT, mean, variance, scale ?? undefined)) return original.gradFunc(dy, saved, attrs);
      const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
      const inputs: NamedTensorMap = scale ? { x, dy: dyT, mean, variance, scale } : { x, dy: dyT, mean, variance };
      const [dx, dMean, dVariance, dScale, dOffset] = engine().runKernel(BATCH_NORM_GRAD_KERNEL, inputs, { varianceEpsilon }) as Tensor[];
      return { x: () => dx!, mean: () => dMean!, variance: () => dVariance!, scale: () => dScale!, offset: () => dOffset! };
    },
  });
}
