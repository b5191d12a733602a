// Sum over every axis but the last, and Add of a per-channel vector: a bias's gradient and the
// bias itself. The wasm backend's Sum transposes the channels to the front first, and its Add
// broadcasts element by element, both slow for what they do on a first layer's activations
// (bench/README.md); here both are one SIMD pass (below) over blocks of floats that hold a whole
// number of pixels, so each lane always meets the same channel. Other axes, dtypes and small
// tensors go to the backend's kernels.

import { util, type KernelConfig, type KernelFunc, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, f32, free, type BackendWasm } from './heap';
import { addressOf, simdKernel, WatFunction } from './simdAssembler';

/**
 * The greatest block of floats, a multiple of both 4 and the channel count C, that the
 * per-channel kernels below hold in registers: within such a block every vector lane always
 * meets the same channel.
 */
const MAX_PERIOD = 128;

function periodOf(C: number): number {
  let a = C, b = 4;
  while (b) [a, b] = [b, a % b];
  return (C / a) * 4;
}

/**
 * Partial sums of `blocks` (> 0) consecutive blocks of L floats (L = periodOf(C)): acc gets L
 * floats, element p the sum of every block's element p (channel p mod C).
 */
function buildBlockSum(L: number): WatFunction {
  const f = new WatFunction(3);
  const [X, ACC, BLOCKS] = [0, 1, 2];
  const nv = L / 4;
  const p = f.i32();
  const acc = Array.from({ length: nv }, () => f.v128());
  for (const a of acc) f.vConstF32(0).set(a);
  f.setFrom(p, X);
  f.repeatLocal(BLOCKS, () => {
    for (let i = 0; i < nv; i++) f.get(acc[i]!).get(p).vLoad(i * 16).op('f32x4.add').set(acc[i]!);
    f.inc(p, L * 4);
  });
  for (let i = 0; i < nv; i++) f.get(ACC).get(acc[i]!).vStore(i * 16);
  return f;
}

/** out = x + pattern over `blocks` (> 0) blocks of L floats (pattern: L floats, the bias repeated). */
function buildBlockAdd(L: number): WatFunction {
  const f = new WatFunction(4);
  const [X, PAT, OUT, BLOCKS] = [0, 1, 2, 3];
  const nv = L / 4;
  const xp = f.i32(), op = f.i32();
  const pat = Array.from({ length: nv }, () => f.v128());
  for (let i = 0; i < nv; i++) f.get(PAT).vLoad(i * 16).set(pat[i]!);
  f.setFrom(xp, X).setFrom(op, OUT);
  f.repeatLocal(BLOCKS, () => {
    for (let i = 0; i < nv; i++) f.get(op).get(xp).vLoad(i * 16).get(pat[i]!).op('f32x4.add').vStore(i * 16);
    f.inc(xp, L * 4).inc(op, L * 4);
  });
  return f;
}

const simdBlockSum = simdKernel('blockSum', buildBlockSum);
const simdBlockAdd = simdKernel('blockAdd', buildBlockAdd);

/** Below this many elements the backend's own kernels are as fast. */
const MIN_SIZE = 2048;

function sumFactory(base: KernelFunc): KernelFunc {
  return ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }) => {
    const { inputs: { x }, backend, attrs } = args;
    const rank = x.shape.length;
    const total = util.sizeFromShape(x.shape);
    const C = x.shape[rank - 1] ?? 1;
    const L = periodOf(C);
    const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
    const overPixels = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    const simd = x.dtype === 'float32' && overPixels && total >= MIN_SIZE && L <= MAX_PERIOD ? simdBlockSum(backend, L) : undefined;
    if (!simd) return base(args as unknown as Parameters<KernelFunc>[0]);
    const blocks = Math.floor(total / L);
    const out = alloc(backend, attrs.keepDims ? [...new Array<number>(rank - 1).fill(1), C] : [C]);
    const scratch = alloc(backend, [L]);
    try {
      simd(addressOf(backend, x.dataId), addressOf(backend, scratch.dataId), blocks);
      const acc = f32(backend, scratch);
      const xs = f32(backend, x);
      const o = f32(backend, out);
      o.fill(0);
      for (let p = 0; p < L; p++) o[p % C]! += acc[p]!;
      for (let i = blocks * L; i < total; i++) o[i % C]! += xs[i]!;
    } finally {
      free(backend, scratch);
    }
    return out;
  }) as unknown as KernelFunc;
}

/** [..., C] and [C] (or [1, …, 1, C]): the per-channel vector, or undefined. */
function perChannel(big: TensorInfo, small: TensorInfo): number | undefined {
  const C = big.shape[big.shape.length - 1];
  if (C === undefined || big.dtype !== 'float32' || small.dtype !== 'float32' || small.shape.length > big.shape.length) return undefined;
  const s = small.shape;
  return s.length >= 1 && s[s.length - 1] === C && s.slice(0, -1).every((d) => d === 1) ? C : undefined;
}

function addFactory(base: KernelFunc): KernelFunc {
  return ((args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: BackendWasm }) => {
    const { inputs: { a, b }, backend } = args;
    const [big, small] = util.sizeFromShape(a.shape) >= util.sizeFromShape(b.shape) ? [a, b] : [b, a];
    const C = perChannel(big, small);
    const total = util.sizeFromShape(big.shape);
    const L = C === undefined ? Infinity : periodOf(C);
    const simd = C !== undefined && total >= MIN_SIZE && L <= MAX_PERIOD ? simdBlockAdd(backend, L) : undefined;
    if (!simd || C === undefined) return base(args as unknown as Parameters<KernelFunc>[0]);
    const blocks = Math.floor(total / L);
    const out = alloc(backend, [...big.shape]);
    const pattern = alloc(backend, [L]);
    try {
      const bias = f32(backend, small);
      const pat = f32(backend, pattern);
      for (let p = 0; p < L; p++) pat[p] = bias[p % C]!;
      simd(addressOf(backend, big.dataId), addressOf(backend, pattern.dataId), addressOf(backend, out.dataId), blocks);
      const xs = f32(backend, big);
      const o = f32(backend, out);
      for (let i = blocks * L; i < total; i++) o[i] = xs[i]! + bias[i % C]!;
    } finally {
      free(backend, pattern);
    }
    return out;
  }) as unknown as KernelFunc;
}

export function sumConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelFunc: sumFactory(base.kernelFunc) };
}

export function addConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelFunc: addFactory(base.kernelFunc) };
}
