import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers tfjs-core's gradient functions (the training loop imports it too).
import '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from '../../src/engine/backends/index';
import type { BackendWasm } from '../../src/engine/backends/wasm/heap';
import { simdKernels } from '../../src/engine/backends/wasm/simd';
import { RELU_GRAD_KERNEL, SGD_MOMENTUM_KERNEL, SIGMOID_GRAD_KERNEL } from '../../src/engine/backends/kernelNames';
import { TrainOptimizer } from '../../src/engine/training/optimizers';
import { CnnConv2D } from '../../src/engine/model/index';

// Every kernel that src/engine/backends/wasm registers for the 'wasm' backend, checked against
// the cpu backend's kernel of the same name on random data, over random and hand-picked
// geometries: strides 1–2, padding valid / same / a number / explicit per side, dilation,
// batch > 1, channels > 1, and a batch big enough to be split into several chunks.
//
// Dilation: only the depthwise kernels take it (Conv2DBackpropFilter/Input have no dilations
// attribute, and tfjs-core's gradients refuse dilation > 1 anyway), and the cpu backend's
// depthwise backprop kernels ignore it. So a dilated case is compared with the cpu kernel run
// without dilation on the equivalent filter with zeros between the taps.
//
// Tolerance: both sides are float32 sums in different orders (XNNPACK's blocked FMAs against
// plain loops), so the error grows with the number and size of the terms. Each element must be
// within TOL × (1 + the largest |value| of the cpu result): measured errors are ~1e-7–1e-6 of
// that scale; a wrong tap, stride or padding gives errors of order 1.
const TOL = 2e-5;

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Small deterministic PRNG (mulberry32) so a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randInt = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
function randomArray(r: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

interface Inputs { [name: string]: { shape: number[]; values: Float32Array } }

/** Runs one kernel on one backend on fresh tensors and returns the result's values and shape. */
async function runOn(backend: 'cpu' | 'wasm', kernel: string, inputs: Inputs, attrs: object): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const ts: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) ts[k] = tf.tensor(v.values, v.shape, 'float32');
  const out = tf.engine().runKernel(kernel, ts, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, values: (await out.data()) as Float32Array };
  out.dispose();
  for (const t of Object.values(ts)) t.dispose();
  return result;
}

async function assertSameAsCpu(kernel: string, inputs: Inputs, attrs: object, label: string,
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
function outShape(xShape: number[], fShape: number[], strides: [number, number], pad: Pad, dilations: [number, number], depthwise: boolean): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], fShape as [number, number, number, number], strides, dilations, pad, undefined, depthwise);
  return info.outShape;
}

interface ConvCase { x: number[]; f: number[]; strides: [number, number]; pad: Pad; dilations: [number, number] }

function randomPad(r: () => number): Pad {
  switch (randInt(r, 0, 3)) {
    case 0: return 'valid';
    case 1: return 'same';
    case 2: return randInt(r, 0, 2);
    default: return [[0, 0], [randInt(r, 0, 2), randInt(r, 0, 2)], [randInt(r, 0, 2), randInt(r, 0, 2)], [0, 0]];
  }
}

function randomConvCases(seed: number, n: number, depthwise: boolean): ConvCase[] {
  const r = rng(seed);
  const cases: ConvCase[] = [];
  while (cases.length < n) {
    const k = [randInt(r, 1, 5), randInt(r, 1, 5)];
    const s: [number, number] = [randInt(r, 1, 2), randInt(r, 1, 2)];
    // tfjs requires stride 1 where dilation > 1 (depthwise only: see the header).
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

const fixedCases: ConvCase[] = [
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
function randomSingleChannelCases(seed: number, n: number, maxStride = 1): ConvCase[] {
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

before(async () => {
  await registerWasmTrainingKernels();
  assert.ok(await tf.setBackend('wasm'));
});

test('the SIMD kernels are assembled on this machine (so the tests below check them, not the fallbacks)', () => {
  assert.ok(simdKernels(tf.backend() as unknown as BackendWasm), 'wabt loaded and this Node runs wasm SIMD');
});

test('Conv2D matches cpu: one input channel (unfolded into channels) at any stride and padding; others pass to the backend', async () => {
  const r = rng(10);
  const dilated: ConvCase = { x: [2, 12, 12, 1], f: [3, 3, 1, 4], strides: [1, 1], pad: 'same', dilations: [2, 2] };
  // The backend's own kernel reads a numeric pad of a non-square filter as tfjs does not (the
  // quirk noted in fixedCases; wrong values, or a memory fault): numeric pads are checked only
  // where the unfolded route takes them (one channel, wider than one tap, no dilation). The
  // model builder always passes explicit padding.
  const ours = (c: ConvCase) => typeof c.pad !== 'number' || (c.x[3] === 1 && c.f[1]! > 1 && c.dilations.every((d) => d === 1));
  for (const c of [...fixedCases, dilated, ...randomConvCases(3, 20, false), ...randomSingleChannelCases(6, 40, 3)].filter(ours)) {
    const label = `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)} d ${c.dilations}`;
    await assertSameAsCpu('Conv2D',
      { x: { shape: c.x, values: randomArray(r, tf.util.sizeFromShape(c.x)) }, filter: { shape: c.f, values: randomArray(r, tf.util.sizeFromShape(c.f)) } },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations }, label);
  }
});

test('FusedConv2D matches cpu with bias and activation, one input channel (unfolded) and more', async () => {
  const r = rng(13);
  const cases = [...randomSingleChannelCases(7, 20, 2), ...fixedCases.slice(0, 2)].filter((c) => typeof c.pad !== 'number');
  for (const [i, c] of cases.entries()) {
    const activation = ['relu', 'linear', 'elu'][i % 3]!;
    const label = `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)} ${activation}`;
    await assertSameAsCpu('FusedConv2D', {
      x: { shape: c.x, values: randomArray(r, tf.util.sizeFromShape(c.x)) },
      filter: { shape: c.f, values: randomArray(r, tf.util.sizeFromShape(c.f)) },
      bias: { shape: [c.f[3]!], values: randomArray(r, c.f[3]!) },
    }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations, activation, leakyreluAlpha: 0.2 }, label);
  }
});

test('Conv2DBackpropFilter matches cpu', async () => {
  const r = rng(11);
  for (const c of [...fixedCases, ...randomConvCases(1, 40, false), ...randomSingleChannelCases(5, 30)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, [1, 1], false);
    const label = `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)}`;
    await assertSameAsCpu('Conv2DBackpropFilter',
      { x: { shape: c.x, values: randomArray(r, tf.util.sizeFromShape(c.x)) }, dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) } },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }, label);
  }
});

test('Conv2DBackpropInput matches cpu', async () => {
  const r = rng(12);
  for (const c of [...fixedCases, ...randomConvCases(2, 40, false)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, [1, 1], false);
    const label = `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)}`;
    await assertSameAsCpu('Conv2DBackpropInput',
      { dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) }, filter: { shape: c.f, values: randomArray(r, tf.util.sizeFromShape(c.f)) } },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }, label);
  }
});

const depthwiseFixed: ConvCase[] = [
  { x: [2, 8, 8, 6], f: [3, 3, 6, 1], strides: [1, 1], pad: 'same', dilations: [1, 1] },
  { x: [2, 9, 9, 4], f: [3, 3, 4, 1], strides: [2, 2], pad: 'same', dilations: [1, 1] },
  { x: [3, 10, 7, 3], f: [3, 3, 3, 2], strides: [1, 1], pad: 'valid', dilations: [2, 2] },
  { x: [2, 9, 9, 5], f: [5, 3, 5, 3], strides: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dilations: [1, 2] },
];

const isDilated = (c: ConvCase) => c.dilations[0] > 1 || c.dilations[1] > 1;

/** The shape of a filter with dilation − 1 zeros between its taps. */
function dilatedShape(f: number[], [dh, dw]: [number, number]): number[] {
  return [(f[0]! - 1) * dh + 1, (f[1]! - 1) * dw + 1, f[2]!, f[3]!];
}

/** [KH, KW, C, M] values placed at every dilation-th tap of a zero filter. */
function spreadTaps(values: Float32Array, f: number[], d: [number, number]): Float32Array {
  const big = dilatedShape(f, d);
  const inner = f[2]! * f[3]!;
  const out = new Float32Array(tf.util.sizeFromShape(big));
  for (let kh = 0; kh < f[0]!; kh++) {
    for (let kw = 0; kw < f[1]!; kw++) {
      out.set(values.subarray((kh * f[1]! + kw) * inner, (kh * f[1]! + kw + 1) * inner), (kh * d[0] * big[1]! + kw * d[1]) * inner);
    }
  }
  return out;
}

/** The inverse: the values at the real taps of a dilated-shape filter. */
function takeTaps(values: Float32Array, f: number[], d: [number, number]): Float32Array {
  const big = dilatedShape(f, d);
  const inner = f[2]! * f[3]!;
  const out = new Float32Array(tf.util.sizeFromShape(f));
  for (let kh = 0; kh < f[0]!; kh++) {
    for (let kw = 0; kw < f[1]!; kw++) {
      const from = (kh * d[0] * big[1]! + kw * d[1]) * inner;
      out.set(values.subarray(from, from + inner), (kh * f[1]! + kw) * inner);
    }
  }
  return out;
}

test('DepthwiseConv2dNativeBackpropFilter matches cpu (with dilation)', async () => {
  const r = rng(13);
  for (const c of [...depthwiseFixed, ...randomConvCases(3, 40, true)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, c.dilations, true);
    const label = `x ${c.x} f ${c.f} s ${c.strides} d ${c.dilations} pad ${JSON.stringify(c.pad)}`;
    const inputs = { x: { shape: c.x, values: randomArray(r, tf.util.sizeFromShape(c.x)) }, dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) } };
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations, filterShape: c.f };
    // Dilated: the cpu gradient for the zero-filled filter, read at the real taps.
    const undilated = async () => {
      const big = await runOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs,
        { ...attrs, dilations: [1, 1], filterShape: dilatedShape(c.f, c.dilations) });
      return { shape: c.f, values: takeTaps(big.values, c.f, c.dilations) };
    };
    await assertSameAsCpu('DepthwiseConv2dNativeBackpropFilter', inputs, attrs, label, isDilated(c) ? undilated : undefined);
  }
});

test('DepthwiseConv2dNativeBackpropInput matches cpu (with dilation)', async () => {
  const r = rng(14);
  for (const c of [...depthwiseFixed, ...randomConvCases(4, 40, true)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, c.dilations, true);
    const label = `x ${c.x} f ${c.f} s ${c.strides} d ${c.dilations} pad ${JSON.stringify(c.pad)}`;
    const inputs = { dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) }, filter: { shape: c.f, values: randomArray(r, tf.util.sizeFromShape(c.f)) } };
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations, inputShape: c.x };
    const undilated = () => runOn('cpu', 'DepthwiseConv2dNativeBackpropInput',
      { dy: inputs.dy, filter: { shape: dilatedShape(c.f, c.dilations), values: spreadTaps(inputs.filter.values, c.f, c.dilations) } },
      { ...attrs, dilations: [1, 1] });
    await assertSameAsCpu('DepthwiseConv2dNativeBackpropInput', inputs, attrs, label, isDilated(c) ? undilated : undefined);
  }
});

test('MaxPoolGrad and AvgPoolGrad match cpu: tiling, overlapping and padded windows', async () => {
  const r = rng(17);
  // [input shape, filter, strides, pad]: tiling 2×2/2, 3×3/3 and 2×3/(2,3) with sizes that leave
  // rows and columns over; then overlapping (3×3/2) and padded ('same' with odd sizes).
  const cases: Array<[number[], [number, number], [number, number], 'valid' | 'same' | number]> = [
    [[3, 8, 8, 5], [2, 2], [2, 2], 'valid'], [[2, 9, 7, 3], [2, 2], [2, 2], 'valid'], [[2, 9, 9, 2], [3, 3], [3, 3], 'valid'],
    [[2, 8, 9, 4], [2, 3], [2, 3], 'valid'], [[2, 8, 8, 6], [2, 2], [2, 2], 'same'], [[2, 6, 6, 1], [2, 2], [2, 2], 0],
    [[2, 9, 9, 3], [3, 3], [2, 2], 'valid'], [[2, 7, 7, 3], [2, 2], [2, 2], 'same'], [[2, 8, 8, 3], [3, 3], [1, 1], 'same'],
    [[2, 7, 7, 2], [3, 3], [3, 3], 'same'], [[2, 9, 8, 4], [3, 3], [2, 2], 'same'], [[1, 6, 7, 3], [2, 3], [1, 2], 1],
    // 2×2/2 with 4 or more channels (the SIMD kernel): multiples of 4, a last vector that
    // overlaps the one before (7, 6), odd sizes that leave a row and a column outside every window.
    [[2, 8, 8, 4], [2, 2], [2, 2], 'valid'], [[2, 9, 11, 7], [2, 2], [2, 2], 'valid'], [[3, 6, 6, 8], [2, 2], [2, 2], 'valid'],
    [[2, 24, 24, 6], [2, 2], [2, 2], 'valid'],
  ];
  for (const [shape, filterSize, strides, pad] of cases) {
    // Quarter steps: many ties inside windows, where the first maximum must win (as on cpu).
    const x = Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => Math.round((r() * 2 - 1) * 4) / 4);
    await tf.setBackend('cpu');
    const y = tf.maxPool(tf.tensor4d(x, shape as [number, number, number, number]), filterSize, strides, pad);
    const output = { shape: y.shape, values: (await y.data()) as Float32Array };
    y.dispose();
    const dy = { shape: output.shape, values: randomArray(r, output.values.length) };
    const label = `x ${shape} f ${filterSize} s ${strides} pad ${pad}`;
    await assertSameAsCpu('MaxPoolGrad', { dy, input: { shape, values: x }, output }, { filterSize, strides, pad }, `max ${label}`);
    await assertSameAsCpu('AvgPoolGrad', { dy, input: { shape, values: x } }, { filterSize, strides, pad }, `avg ${label}`);
  }
});

test('Sum over all axes but the last, and Add of a per-channel vector, match cpu', async () => {
  const r = rng(18);
  // Channel counts whose blocks (a multiple of 4 and of C floats) are 4, 12, 20, 28, 100 and 64
  // floats; sizes that leave a tail after the last block; a tensor under the size threshold.
  const shapes = [[64, 24, 24, 6], [3, 7, 5, 3], [2, 9, 9, 5], [5, 13, 7], [40, 50], [8, 9, 9, 16], [30, 70, 1], [2, 3, 6], [7, 11, 64]];
  for (const shape of shapes) {
    const C = shape[shape.length - 1]!;
    const x = { shape, values: randomArray(r, tf.util.sizeFromShape(shape)) };
    const axes = shape.slice(0, -1).map((_, i) => i);
    for (const keepDims of [false, true]) await assertSameAsCpu('Sum', { x }, { axis: axes, keepDims }, `sum ${shape} keepDims ${keepDims}`);
    // Negative axes name the same reduction.
    await assertSameAsCpu('Sum', { x }, { axis: axes.map((a) => a - shape.length), keepDims: false }, `sum ${shape} negative axes`);
    const bias = { shape: [C], values: randomArray(r, C) };
    const bias3 = { shape: [...shape.slice(0, -1).map(() => 1), C], values: bias.values };
    await assertSameAsCpu('Add', { a: x, b: bias }, {}, `add ${shape} + [C]`);
    await assertSameAsCpu('Add', { a: bias3, b: x }, {}, `add [1…, C] + ${shape}`);
  }
  // Other reductions and broadcasts keep the backend's kernels.
  const x = { shape: [6, 40, 12], values: randomArray(r, 6 * 40 * 12) };
  await assertSameAsCpu('Sum', { x }, { axis: [1, 2], keepDims: false }, 'sum inner axes');
  await assertSameAsCpu('Sum', { x }, { axis: [0, 2], keepDims: true }, 'sum axes 0, 2');
  await assertSameAsCpu('Add', { a: x, b: { shape: [6, 1, 12], values: randomArray(r, 72) } }, {}, 'add [6, 1, 12]');
});

test('MaxPool and AvgPool match cpu: ties, odd sizes, channel vectors that overlap, geometries they leave to the backend', async () => {
  const r = rng(19);
  const pools: Array<[number[], [number, number], [number, number], 'valid' | 'same']> = [
    [[64, 24, 24, 6], [2, 2], [2, 2], 'valid'], [[2, 9, 11, 7], [2, 2], [2, 2], 'valid'], [[3, 8, 8, 8], [2, 2], [2, 2], 'same'],
    [[2, 8, 8, 4], [2, 2], [2, 2], 'valid'], [[2, 8, 8, 3], [2, 2], [2, 2], 'valid'], [[2, 9, 9, 6], [3, 3], [2, 2], 'valid'],
  ];
  for (const [shape, filterSize, strides, pad] of pools) {
    const x = { shape, values: Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => Math.round((r() * 2 - 1) * 4) / 4) };
    await assertSameAsCpu('MaxPool', { x }, { filterSize, strides, pad }, `maxPool ${shape} f ${filterSize} s ${strides} ${pad}`);
    await assertSameAsCpu('AvgPool', { x }, { filterSize, strides, pad }, `avgPool ${shape} f ${filterSize} s ${strides} ${pad}`);
  }
});

test('SGD with momentum through the fused wasm kernel matches tfjs\'s optimizer on cpu: Nesterov, weight decay, a rate change', async () => {
  assert.ok(tf.getKernel(SGD_MOMENTUM_KERNEL, 'wasm'));
  assert.equal(tf.getKernel(SGD_MOMENTUM_KERNEL, 'cpu'), undefined);
  const r = rng(20);
  // Sizes with and without a tail past the last 4-float vector.
  const shapes = [[1], [3], [7], [5, 5, 6, 6], [1027], [96, 50]];
  const init = shapes.map((sh) => randomArray(r, tf.util.sizeFromShape(sh)));
  const gradValues = Array.from({ length: 4 }, () => shapes.map((sh) => randomArray(r, tf.util.sizeFromShape(sh))));
  for (const [nesterov, weightDecay] of [[false, 0], [true, 0], [false, 0.01]] as const) {
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const vars = shapes.map((sh, i) => tf.tidy(() => tf.variable(tf.tensor(init[i]!, sh), true, `m${backend}${nesterov}${weightDecay}_${i}`)));
      const opt = new TrainOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.9, nesterov, weightDecay });
      for (let step = 0; step < gradValues.length; step++) {
        if (step === 2) opt.setLearningRate(0.03);
        const grads: tf.NamedTensorMap = {};
        vars.forEach((v, i) => { grads[v.name] = tf.tensor(gradValues[step]![i]!, shapes[i]); });
        opt.step(vars, grads);
        tf.dispose(Object.values(grads));
      }
      const values = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
      opt.dispose();
      tf.dispose(vars);
      return values;
    };
    // tfjs's MomentumOptimizer.dispose leaves its learning-rate scalar: the fused path may keep
    // no more than that.
    const start = tf.memory().numTensors;
    const want = await run('cpu');
    const afterCpu = tf.memory().numTensors;
    const got = await run('wasm');
    assert.equal(tf.memory().numTensors - afterCpu, afterCpu - start, 'the fused optimizer leaks no tensors');
    for (let i = 0; i < shapes.length; i++) {
      for (let j = 0; j < want[i]!.length; j++) {
        const d = Math.abs(got[i]![j]! - want[i]![j]!);
        if (!(d <= 1e-6 * (1 + Math.abs(want[i]![j]!)))) assert.fail(`nesterov ${nesterov} wd ${weightDecay} var ${i} [${j}]: wasm ${got[i]![j]} vs cpu ${want[i]![j]}`);
      }
    }
  }
});

test('ReLU\'s gradient on wasm (one fused kernel) matches tfjs\'s formula on cpu: zeros, negatives, lengths not a multiple of 4', async () => {
  const r = rng(21);
  for (const shape of [[7], [2, 3, 5], [64, 24, 24, 6], [1, 1], [4, 4, 4, 4]]) {
    const n = tf.util.sizeFromShape(shape);
    // A quarter exact zeros: the kernel's boundary (tfjs: step(0) = 0).
    const xs = Float32Array.from(randomArray(r, n), (v, i) => (i % 4 === 1 ? 0 : v));
    const dys = randomArray(r, n);
    const grad = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const x = tf.tensor(xs, shape), dy = tf.tensor(dys, shape);
      const g = tf.grad((a: tf.Tensor) => tf.relu(a))(x, dy);
      const values = await g.data();
      tf.dispose([x, dy, g]);
      return values;
    };
    const [want, got] = [await grad('cpu'), await grad('wasm')];
    assert.deepEqual(Array.from(got), Array.from(want), `shape ${shape}`);
  }
  // The gradient the tape uses on wasm runs the fused kernel (not tfjs's step, cast and multiply).
  await tf.setBackend('wasm');
  const x = tf.tensor([1, -1, 0, 2, 3]), dy = tf.tensor([1, 1, 1, 1, 1]);
  const info = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.relu(a))(x, dy));
  const names = info.kernels.map((k) => k.name);
  assert.ok(names.includes(RELU_GRAD_KERNEL) && !names.includes('Step'), `kernels run: ${names.join(', ')}`);
  tf.dispose([x, dy]);
});

test('sigmoid\'s gradient on wasm (one fused kernel) is tfjs\'s formula dy·(y·(1−y)) bit for bit, and the tape runs it', async () => {
  const r = rng(22);
  for (const shape of [[7], [2, 3, 5], [64, 28, 28, 6], [1, 1]]) {
    const n = tf.util.sizeFromShape(shape);
    // Outputs of a sigmoid: in (0, 1), with its ends and the middle among them.
    const ys = Float32Array.from(randomArray(r, n), (v, i) => (i % 7 === 0 ? [0, 1, 0.5][i % 3]! : Math.abs(v) % 1));
    const dys = randomArray(r, n);
    const grad = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const y = tf.tensor(ys, shape), dy = tf.tensor(dys, shape);
      const g = backend === 'wasm'
        ? tf.engine().runKernel(SIGMOID_GRAD_KERNEL, { dy, x: y }) as tf.Tensor
        : tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)));
      const values = await g.data();
      tf.dispose([y, dy, g]);
      return values;
    };
    const [want, got] = [await grad('cpu'), await grad('wasm')];
    assert.deepEqual(Array.from(got), Array.from(want), `shape ${shape}`);
  }
  // Through the tape: sigmoid's gradient on wasm runs the fused kernel and agrees with cpu's.
  const xs = randomArray(r, 37);
  const through = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const x = tf.tensor(xs), dy = tf.onesLike(x);
    const info = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.sigmoid(a))(x, dy));
    const g = tf.grad((a: tf.Tensor) => tf.sigmoid(a))(x, dy);
    const values = await g.data();
    tf.dispose([x, dy, g]);
    return { values, names: info.kernels.map((k) => k.name) };
  };
  const [cpu, wasm] = [await through('cpu'), await through('wasm')];
  assert.ok(wasm.names.includes(SIGMOID_GRAD_KERNEL) && !wasm.names.includes('Sub'), `kernels run: ${wasm.names.join(', ')}`);
  for (let i = 0; i < xs.length; i++) assert.ok(Math.abs(wasm.values[i]! - cpu.values[i]!) < 1e-6, `[${i}]: wasm ${wasm.values[i]} vs cpu ${cpu.values[i]}`);
});

test('BatchMatMul matches cpu with every transpose, rank 2 and 3, broadcast batch', async () => {
  const r = rng(15);
  const shapes: Array<[number[], number[]]> = [
    [[7, 5], [5, 3]], [[1, 7, 5], [1, 5, 3]], [[3, 7, 5], [3, 5, 3]], [[2, 7, 5], [1, 5, 3]], [[64, 400], [400, 120]],
    // A dense layer's input gradient dy · Wᵀ (transposeB), computed as (W · dyᵀ)ᵀ where that is cheaper.
    [[64, 120], [120, 400]], [[1, 64, 84], [1, 84, 120]],
  ];
  for (const [a, b] of shapes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const sa = tA ? [...a.slice(0, -2), a[a.length - 1]!, a[a.length - 2]!] : a;
        const sb = tB ? [...b.slice(0, -2), b[b.length - 1]!, b[b.length - 2]!] : b;
        await assertSameAsCpu('BatchMatMul',
          { a: { shape: sa, values: randomArray(r, tf.util.sizeFromShape(sa)) }, b: { shape: sb, values: randomArray(r, tf.util.sizeFromShape(sb)) } },
          { transposeA: tA, transposeB: tB }, `a ${sa} b ${sb} tA ${tA} tB ${tB}`);
      }
    }
  }
});

test('Tile matches cpu: float32, int32 and bool, reps of 1 and more on every axis, rank 0 to 4', async () => {
  const r = rng(21);
  const cases: Array<[number[], number[]]> = [
    [[], []], [[5], [3]], [[2, 3], [1, 4]], [[1, 1, 1, 6], [4, 5, 7, 1]], [[2, 1, 3, 2], [2, 3, 1, 2]], [[3, 2], [2, 1]],
  ];
  for (const [shape, reps] of cases) {
    await assertSameAsCpu('Tile', { x: { shape, values: randomArray(r, tf.util.sizeFromShape(shape)) } }, { reps }, `x ${shape} reps ${reps}`);
    for (const dtype of ['int32', 'bool'] as const) {
      const values = Array.from({ length: tf.util.sizeFromShape(shape) }, () => randInt(r, 0, dtype === 'bool' ? 1 : 9));
      const results: number[][] = [];
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const x = tf.tensor(values, shape, dtype);
        const y = tf.tile(x, reps);
        results.push(Array.from(await y.data()));
        tf.dispose([x, y]);
      }
      assert.deepEqual(results[1], results[0], `${dtype} x ${shape} reps ${reps}`);
    }
  }
});

test('a small net\'s gradients (conv, depthwise, pooling, batch-norm-like ops, dense) match cpu', async () => {
  const r = rng(16);
  const xs = randomArray(r, 4 * 12 * 12 * 3);
  const ws = { c1: randomArray(r, 3 * 3 * 3 * 8), dw: randomArray(r, 3 * 3 * 8 * 2), c2: randomArray(r, 1 * 1 * 16 * 8), d: randomArray(r, 3 * 3 * 8 * 10) };
  async function grads(backend: 'cpu' | 'wasm'): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    const x = tf.tensor4d(xs, [4, 12, 12, 3]);
    const params = [tf.tensor4d(ws.c1, [3, 3, 3, 8]), tf.tensor4d(ws.dw, [3, 3, 8, 2]), tf.tensor4d(ws.c2, [1, 1, 16, 8]), tf.tensor2d(ws.d, [72, 10])];
    const labels = tf.oneHot(tf.tensor1d([0, 3, 5, 9], 'int32'), 10);
    const g = tf.grads((...p: tf.Tensor[]) => {
      const [c1, dw, c2, d] = p as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D];
      let h: tf.Tensor4D = tf.relu(tf.conv2d(x, c1, 1, 'same'));
      h = tf.maxPool(h, 2, 2, 'same');
      const m = tf.moments(h, [0, 1, 2]);
      h = tf.div(tf.sub(h, m.mean), tf.sqrt(tf.add(m.variance, 1e-3)));
      h = tf.relu6(tf.depthwiseConv2d(h, dw, 1, 'same'));
      h = tf.add(tf.conv2d(h, c2, 2, 'valid'), tf.slice(tf.avgPool(h, 2, 2, 'valid'), [0, 0, 0, 0], [-1, -1, -1, 8]));
      const logits = tf.matMul(tf.reshape(h, [4, 72]), d);
      return tf.losses.softmaxCrossEntropy(labels, logits);
    })(params);
    const out: Float32Array[] = [];
    for (const t of g) out.push((await t.data()) as Float32Array);
    tf.dispose([x, labels, ...params, ...g]);
    return out;
  }
  const ref = await grads('cpu');
  const got = await grads('wasm');
  ref.forEach((g, i) => {
    let scale = 0;
    for (const v of g) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < g.length; j++) {
      assert.ok(Math.abs(got[i]![j]! - g[j]!) <= 1e-4 * (1 + scale), `gradient ${i} element ${j}: ${got[i]![j]} vs ${g[j]}`);
    }
  });
});

test('a first layer\'s convolution (no input gradient: fused forward, own gradient) matches cpu: values, kernel and bias gradients', async () => {
  const r = rng(31);
  for (const [padding, xShape] of [[[2, 2], [3, 28, 28, 1]], [[0, 0], [3, 28, 28, 1]], [[1, 1], [2, 9, 7, 3]]] as const) {
    const xs = randomArray(r, tf.util.sizeFromShape([...xShape]));
    const ws = randomArray(r, 5 * 5 * xShape[3] * 6), bs = randomArray(r, 6);
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const layer = new CnnConv2D({ filters: 6, kernel: [5, 5], stride: [1, 1], padding: [...padding], dilation: [1, 1], groups: 1,
        bias: true, activation: null, init: 'zeros', inputNeedsGradient: false });
      const x = tf.tensor(xs, [...xShape]);
      layer.apply(x);
      layer.setWeights([tf.tensor(ws, [5, 5, xShape[3], 6]), tf.tensor(bs, [6])]);
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const out = layer.apply(x) as tf.Tensor;
      // Weighted by position, so that neither gradient is a plain count.
      const weights = tf.tensor(Float32Array.from({ length: out.size }, (_, i) => (i % 7) - 3), out.shape);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, weights)) as tf.Scalar, vars);
      const result = [await out.data(), ...(await Promise.all(vars.map((v) => grads[v.name]!.data())))] as Float32Array[];
      tf.dispose([x, out, weights, ...Object.values(grads)]);
      layer.dispose();
      return result;
    };
    const want = await run('cpu'), got = await run('wasm');
    for (const [i, what] of ['output', 'kernel gradient', 'bias gradient'].entries()) {
      const scale = Math.max(1, ...Array.from(want[i]!, Math.abs));
      want[i]!.forEach((v, j) => assert.ok(Math.abs(got[i]![j]! - v) <= TOL * scale, `padding ${padding}, x ${xShape}: ${what} ${j}: wasm ${got[i]![j]} vs cpu ${v}`));
    }
  }
});

test('Identity and same-dtype Cast share the data; a clone outlives its source; other casts convert', async () => {
  await tf.setBackend('wasm');
  const x = tf.tensor([1.5, -2.25, 3], [3]);
  const clone = tf.clone(x);
  const same = tf.cast(x, 'float32');
  const asInt = tf.cast(x, 'int32');
  const back = tf.cast(asInt, 'float32');
  x.dispose();
  assert.deepEqual([...await clone.data()], [1.5, -2.25, 3]);
  assert.deepEqual([...await same.data()], [1.5, -2.25, 3]);
  assert.equal(asInt.dtype, 'int32');
  assert.deepEqual([...await asInt.data()], [1, -2, 3]);
  assert.deepEqual([...await back.data()], [1, -2, 3]);
  const before = tf.memory().numBytes;
  tf.dispose([clone, same, asInt, back]);
  assert.ok(tf.memory().numBytes < before);
});

test('training kernels do not leak wasm tensors', async () => {
  await tf.setBackend('wasm');
  const x = tf.randomNormal([4, 16, 16, 8]);
  const f = tf.randomNormal([3, 3, 8, 8]);
  const dw = tf.randomNormal([3, 3, 8, 1]);
  // One input channel: the unfolded Conv2D, reading x in place ('valid') and from a padded copy ('same').
  const grey = tf.randomNormal([4, 16, 16, 1]);
  const f1 = tf.randomNormal([3, 3, 1, 8]);
  const step = () => tf.tidy(() => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.add(tf.sum(tf.depthwiseConv2d(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), c as tf.Tensor4D, 1, 'same')),
        tf.add(tf.sum(tf.conv2d(grey as tf.Tensor4D, d as tf.Tensor4D, 1, 'same')), tf.sum(tf.conv2d(grey as tf.Tensor4D, d as tf.Tensor4D, 1, 'valid')))));
    return g([x, f, dw, f1]);
  });
  tf.dispose(step());
  const before = tf.memory().numTensors;
  const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  for (let i = 0; i < 3; i++) tf.dispose(step());
  assert.equal(tf.memory().numTensors, before);
  assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), dataIds);
  tf.dispose([x, f, dw, grey, f1]);
});
