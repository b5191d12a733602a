// What the wasm kernel tests share (one test file per kernel module, beside this one): every
// kernel that src/engine/backends/wasm registers for the 'wasm' backend is checked against the
// cpu backend's kernel of the same name on random data, over random and hand-picked geometries:
// strides 1–2, padding valid / same / a number / explicit per side, dilation, batch > 1,
// channels > 1, and a batch big enough to be split into several chunks.

import assert from 'node:assert/strict';
import { before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers tfjs-core's gradient functions (the training loop imports it too).
import '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from '../../../../../src/engine/backends/index';
import type { BackendWasm } from '../../../../../src/engine/backends/wasm/heap';
import { simdAvailable } from '../../../../../src/engine/backends/wasm/simdAssembler';

/**
 * Registers our kernels and makes 'wasm' current before the file's tests, and checks that the
 * SIMD kernels are assembled here, so that the tests check them and not the fallbacks.
 */
export function useWasmKernels(): void {
  before(async () => {
    await registerWasmTrainingKernels();
    assert.ok(await tf.setBackend('wasm'));
    assert.ok(simdAvailable(tf.backend() as unknown as BackendWasm), 'wabt loaded and this Node runs wasm SIMD');
  });
}

// Tolerance: both sides are float32 sums in different orders (XNNPACK's blocked FMAs against
// plain loops), so the error grows with the number and size of the terms. Each element must be
// within TOL × (1 + the largest |value| of the cpu result): measured errors are ~1e-7–1e-6 of
// that scale; a wrong tap, stride or padding gives errors of order 1.
export const TOL = 2e-5;

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Small deterministic PRNG (mulberry32) so a failure can be reproduced. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const randInt = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export function randomArray(r: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

interface Inputs { [name: string]: { shape: number[]; values: Float32Array } }

/** Runs one kernel on one backend on fresh tensors and returns the result's values and shape. */
export async function runOn(backend: 'cpu' | 'wasm', kernel: string, inputs: Inputs, attrs: object): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const ts: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) ts[k] = tf.tensor(v.values, v.shape, 'float32');
  const out = tf.engine().runKernel(kernel, ts, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, values: (await out.data()) as Float32Array };
  out.dispose();
  for (const t of Object.values(ts)) t.dispose();
  return result;
}

export async function assertSameAsCpu(kernel: string, inputs: Inputs, attrs: object, label: string,
  reference: () => Promise<{ shape: number[]; values: Float32Array }> = () => runOn('cpu', kernel, inputs, attrs)): Promise<void> {
  const ref = await reference();
  const got = await runOn('wasm', kernel, inputs, attrs);
  assert.deepEqual(got.shape, ref.shape, `${label}: shape`);
  let scale = 0;
  for (const v of ref.values) scale = Math.max(scale, Math.abs(v));
  const tol = TOL * (1 + scale);
  for (let i = 0; i < ref.values.length; i++) {
    const d = Math.abs(got.values[i]! - ref.values[i]!);
    if (!(d <= tol)) assert.fail(`${label}: element ${i}: wasm ${got.values[i]} vs cpu ${ref.values[i]} (|Δ| ${d} > ${tol})`);
  }
}

/** Output size along one axis, as tfjs computes it, for building dy of the right shape. */
export function outShape(xShape: number[], fShape: number[], strides: [number, number], pad: Pad, dilations: [number, number], depthwise: boolean): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], fShape as [number, number, number, number], strides, dilations, pad, undefined, depthwise);
  return info.outShape;
}

export interface ConvCase { x: number[]; f: number[]; strides: [number, number]; pad: Pad; dilations: [number, number] }

function randomPad(r: () => number): Pad {
  switch (randInt(r, 0, 3)) {
    case 0: return 'valid';
    case 1: return 'same';
    case 2: return randInt(r, 0, 2);
    default: return [[0, 0], [randInt(r, 0, 2), randInt(r, 0, 2)], [randInt(r, 0, 2), randInt(r, 0, 2)], [0, 0]];
  }
}

export function randomConvCases(seed: number, n: number, depthwise: boolean): ConvCase[] {
  const r = rng(seed);
  const cases: ConvCase[] = [];
  while (cases.length < n) {
    const k = [randInt(r, 1, 5), randInt(r, 1, 5)];
    const s: [number, number] = [randInt(r, 1, 2), randInt(r, 1, 2)];
    // tfjs requires stride 1 where dilation > 1 (depthwise only: see depthwise.test.ts).
    const d: [number, number] = depthwise && s[0] === 1 && s[1] === 1 ? [randInt(r, 1, 2), randInt(r, 1, 2)] : [1, 1];
    const x = [randInt(r, 1, 3), randInt(r, 5, 12), randInt(r, 5, 12), randInt(r, 1, 5)];
    const f = [k[0]!, k[1]!, x[3]!, depthwise ? randInt(r, 1, 2) : randInt(r, 1, 4)];
    const pad = randomPad(r);
    try {
      const o = outShape(x, f, s, pad, d, depthwise);
      if (o.some((v) => v <= 0)) continue;
    } catch {
      continue; // e.g. explicit padding that tfjs rejects for this geometry
    }
    cases.push({ x, f, strides: s, pad, dilations: d });
  }
  return cases;
}

export const fixedCases: ConvCase[] = [
  // LeNet's two convolutions and the small CNN's, at a small batch.
  { x: [2, 28, 28, 1], f: [5, 5, 1, 6], strides: [1, 1], pad: 'same', dilations: [1, 1] },
  { x: [2, 14, 14, 6], f: [5, 5, 6, 16], strides: [1, 1], pad: 'valid', dilations: [1, 1] },
  // ResNet's strided 3×3 and 1×1 shortcut, and its 7×7 stem with stride 2 and padding 3.
  { x: [2, 8, 8, 8], f: [3, 3, 8, 16], strides: [2, 2], pad: 'same', dilations: [1, 1] },
  { x: [3, 8, 8, 8], f: [1, 1, 8, 16], strides: [2, 2], pad: 'valid', dilations: [1, 1] },
  { x: [2, 16, 16, 3], f: [7, 7, 3, 4], strides: [2, 2], pad: [[0, 0], [3, 3], [3, 3], [0, 0]], dilations: [1, 1] },
  // Non-square everything, asymmetric explicit padding.
  { x: [2, 9, 6, 3], f: [3, 2, 3, 5], strides: [2, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]], dilations: [1, 1] },
  // Stride 2 takes the im2col route, in chunks: here 3 images per chunk (48·48 positions ·
  // 144 taps each) and a short last chunk.
  { x: [4, 96, 96, 16], f: [3, 3, 16, 4], strides: [2, 2], pad: 'same', dilations: [1, 1] },
  // tfjs sizes a numeric pad with the filter height on both axes: a non-square filter gives an
  // output width that implies a different right padding (the convolution route must follow it).
  { x: [2, 11, 8, 3], f: [2, 5, 3, 4], strides: [1, 1], pad: 0, dilations: [1, 1] },
  { x: [2, 9, 12, 3], f: [5, 2, 3, 4], strides: [1, 1], pad: 1, dilations: [1, 1] },
  // One input channel, stride 1 (the generated SIMD filter gradient): the small CNN's first layer
  // read in place, then padded inputs with output widths that are not a multiple of 4, and a
  // layer too wide for the kernel (its general route).
  { x: [3, 28, 28, 1], f: [5, 5, 1, 6], strides: [1, 1], pad: 'valid', dilations: [1, 1] },
  { x: [2, 13, 10, 1], f: [3, 4, 1, 5], strides: [1, 1], pad: [[0, 0], [1, 2], [2, 0], [0, 0]], dilations: [1, 1] },
  { x: [2, 7, 5, 1], f: [1, 1, 1, 3], strides: [1, 1], pad: 'same', dilations: [1, 1] },
  { x: [2, 9, 40, 1], f: [2, 3, 1, 20], strides: [1, 1], pad: 'same', dilations: [1, 1] },
];

/**
 * Random single-channel geometries (stride 1 unless maxStride says more): the SIMD routes'
 * shapes, tails and paddings.
 */
export function randomSingleChannelCases(seed: number, n: number, maxStride = 1): ConvCase[] {
  const r = rng(seed);
  const cases: ConvCase[] = [];
  while (cases.length < n) {
    const x = [randInt(r, 1, 3), randInt(r, 3, 20), randInt(r, 3, 20), 1];
    const f = [randInt(r, 1, 6), randInt(r, 1, 6), 1, randInt(r, 1, 9)];
    const s: [number, number] = [randInt(r, 1, maxStride), randInt(r, 1, maxStride)];
    const pad = randomPad(r);
    try {
      if (outShape(x, f, s, pad, [1, 1], false).some((v) => v <= 0)) continue;
    } catch {
      continue;
    }
    cases.push({ x, f, strides: s, pad, dilations: [1, 1] });
  }
  return cases;
}
