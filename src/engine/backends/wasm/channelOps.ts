// Sum and Mean over every axis but the last (a bias's gradient, BatchNorm's batch statistics and
// the sums in its gradient), and Add of a per-channel vector (a bias). The wasm backend's Sum and
// Mean transpose the channels to the front first, and its Add broadcasts element by element, all
// slow for what they do on activations (bench/README.md); here each is one SIMD pass (below) over
// blocks of floats that hold a whole number of pixels, so each lane always meets the same
// channel. Other axes, dtypes and small tensors go to the backend's kernels.

import { util, type KernelConfig, type KernelFunc, type MeanAttrs, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
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
 * Partial sums of `blocks` (> 0) blocks of L floats, `stride` floats apart (L = stride =
 * periodOf(C): consecutive blocks; or a strip of L channels of every pixel, stride = C): acc
 * gets L floats, element p the sum of every block's element p.
 */
function buildBlockSum({ L, stride }: { L: number; stride: number }): WatFunction {
  const f = new WatFunction(3);
  const [X, ACC, BLOCKS] = [0, 1, 2];
  const nv = L / 4;
  const p = f.i32();
  const acc = Array.from({ length: nv }, () => f.v128());
  for (const a of acc) f.vConstF32(0).set(a);
  f.setFrom(p, X);
  f.repeatLocal(BLOCKS, () => {
    for (let i = 0; i < nv; i++) f.get(acc[i]!).get(p).vLoad(i * 16).op('f32x4.add').set(acc[i]!);
    f.inc(p, stride * 4);
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

/**
 * Blocks summed by the kernel per call; the calls' partial sums are added in double precision,
 * so that a sum over a whole batch of activations (up to millions of floats a channel) is about
 * as exact as the cpu backend's rather than one float32 running sum.
 */
const BLOCKS_PER_CALL = 256;

/**
 * x [..., C] summed over every axis but the last, into [C] (or [1, …, 1, C] with keepDims), each
 * sum divided by `divisor`, by the SIMD kernel; undefined where it cannot run. Up to MAX_PERIOD floats a block of whole
 * pixels; past that (C a multiple of 4) one strip of MAX_PERIOD channels at a time, the strip
 * read from every pixel.
 */
function sumOverPixels(backend: BackendWasm, x: TensorInfo, keepDims: boolean, divisor = 1): TensorInfo | undefined {
  const rank = x.shape.length;
  const total = util.sizeFromShape(x.shape);
  const C = x.shape[rank - 1] ?? 1;
  const L = periodOf(C);
  if (x.dtype !== 'float32' || rank < 2 || total < MIN_SIZE) return undefined;
  const strips = L > MAX_PERIOD && C % 4 === 0;
  if (L > MAX_PERIOD && !strips) return undefined;
  const stride = strips ? C : L;
  const kernelFor = (width: number) => simdBlockSum(backend, { L: width, stride });
  if (!kernelFor(strips ? MAX_PERIOD : L) || (strips && C % MAX_PERIOD && !kernelFor(C % MAX_PERIOD))) return undefined;
  const blocks = Math.floor(total / stride);
  const sums = new Float64Array(C);
  const scratch = alloc(backend, [MAX_PERIOD]);
  try {
    const xAddr = addressOf(backend, x.dataId);
    const accAddr = addressOf(backend, scratch.dataId);
    const acc = f32(backend, scratch);
    // Channels [s, s + width) (s + p is channel (s + p) mod C): strips, or the one block of L.
    for (let s = 0; s < stride; s += MAX_PERIOD) {
      const width = Math.min(MAX_PERIOD, stride - s);
      const simd = kernelFor(width)!;
      for (let b0 = 0; b0 < blocks; b0 += BLOCKS_PER_CALL) {
        simd(xAddr + (b0 * stride + s) * 4, accAddr, Math.min(BLOCKS_PER_CALL, blocks - b0));
        for (let p = 0; p < width; p++) sums[(s + p) % C]! += acc[p]!;
      }
    }
    const xs = f32(backend, x);
    for (let i = blocks * stride; i < total; i++) sums[i % C]! += xs[i]!;
    const out = alloc(backend, keepDims ? [...new Array<number>(rank - 1).fill(1), C] : [C]);
    f32(backend, out).set(divisor === 1 ? sums : sums.map((v) => v / divisor));
    return out;
  } finally {
    free(backend, scratch);
  }
}

/** Whether `axis` names every axis of x but the last. */
function overPixels(x: TensorInfo, axis: number | number[]): boolean {
  const rank = x.shape.length;
  const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  return rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

function sumFactory(base: KernelFunc): KernelFunc {
  return ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }) => {
    const { inputs: { x }, backend, attrs } = args;
    const out = overPixels(x, attrs.axis) ? sumOverPixels(backend, x, attrs.keepDims) : undefined;
    return out ?? base(args as unknown as Parameters<KernelFunc>[0]);
  }) as unknown as KernelFunc;
}

/** Mean over pixels as the sum, divided by the count (as the cpu backend's Mean does). */
function meanFactory(base: KernelFunc): KernelFunc {
  return ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: MeanAttrs }) => {
    const { inputs: { x }, backend, attrs } = args;
    const count = util.sizeFromShape(x.shape) / (x.shape[x.shape.length - 1] ?? 1);
    const out = overPixels(x, attrs.axis) ? sumOverPixels(backend, x, attrs.keepDims, count) : undefined;
    return out ?? base(args as unknown as Parameters<KernelFunc>[0]);
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

export function meanConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelFunc: meanFactory(base.kernelFunc) };
}

export function addConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelFunc: addFactory(base.kernelFunc) };
}
