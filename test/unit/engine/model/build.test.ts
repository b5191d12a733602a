import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyzeModel } from '../../../../src/analysis/index';
import type { ModelIR } from '../../../../src/dsl/ir';
import { loadModelFile } from '../../../../src/loader/index';
import { buildTfGraph, CnnAdaptiveAvgPool2D, CnnConv2D, CnnLRN, CnnPool2D } from '../../../../src/engine/model/index';
import { activate } from '../../../../src/engine/model/layers/common';
import { REPO_ROOT } from '../../../support/paths';

// The tfjs model must be the model the analysis describes: every node's output shape and
// parameter counts equal analyzeModel's, for every example and for small models built to hit
// the tricky rules (ceilMode, 'same' with stride 2, padded max pool, groups, dilation, adaptive
// pooling, depthwise multiplier). The custom layers are also checked on numbers worked by hand.

const EXAMPLES = ['lenet', 'mlp-vs-cnn', 'alexnet', 'vgg11', 'vgg16', 'googlenet', 'resnet18', 'resnet34',
  'resnet50', 'resnet152', 'resnet18-cifar', 'mobilenetv2'];
const root = REPO_ROOT;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-builder-'));

test.before(async () => {
  await tf.setBackend('cpu');
  tf.env().set('IS_TEST', true);
});

function paramCounts(layer: tfl.layers.Layer): { trainable: number; nonTrainable: number } {
  const count = (ws: { shape: (number | null)[] }[]) => ws.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  return { trainable: count(layer.trainableWeights), nonTrainable: count(layer.nonTrainableWeights) };
}

/** Builds the model (zeros: no random fill for the big ones) and compares node by node. */
function assertMatchesAnalysis(ir: ModelIR, label: string, opts: { forward?: boolean } = {}): void {
  const analysis = analyzeModel(ir);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `${label}: the analysis reports errors`);
  const g = buildTfGraph(ir, { init: 'zeros' });
  try {
    let trainable = 0, nonTrainable = 0;
    ir.nodes.forEach((node, i) => {
      const a = analysis.nodes[i]!;
      assert.equal(a.id, node.id);
      const layer = g.model.getLayer(g.names.byNode.get(node.id)!);
      assert.deepEqual(g.outputs.get(node.id)!.shape.slice(1), a.outputShape, `${label} ${node.path}: output shape`);
      assert.deepEqual(paramCounts(layer), a.params, `${label} ${node.path}: parameters`);
      trainable += a.params.trainable;
      nonTrainable += a.params.nonTrainable;
    });
    const all = paramCounts(g.model as unknown as tfl.layers.Layer);
    assert.equal(all.trainable, analysis.totals.trainableParams, `${label}: trainable total`);
    assert.equal(all.nonTrainable, analysis.totals.nonTrainableParams, `${label}: non-trainable total`);
    assert.equal(trainable, analysis.totals.trainableParams);
    assert.equal(nonTrainable, analysis.totals.nonTrainableParams);
    if (opts.forward) {
      // Real tensors through every layer: the shapes that actually come out, not computeOutputShape's.
      const ids = ir.nodes.map((n) => n.id);
      const probe = tfl.model({ inputs: g.input, outputs: ids.map((id) => g.outputs.get(id)!) });
      const outs = probe.predict(tf.randomNormal([2, ...ir.inputShape])) as tf.Tensor[];
      ids.forEach((id, i) => assert.deepEqual(outs[i]!.shape.slice(1), analysis.nodes[i]!.outputShape, `${label} ${id}: computed shape`));
      tf.dispose(outs);
    }
  } finally {
    g.model.dispose();
  }
}

test('every example builds with the analysis\'s shapes and parameter counts', async () => {
  for (const name of EXAMPLES) {
    const loaded = await loadModelFile(path.join(root, 'examples', `${name}.cnn.ts`));
    assert.ok(loaded.models.length > 0, `${name}: no models`);
    for (const { exportName, model } of loaded.models) {
      // Small inputs also run a real forward pass; the 224×224 ones are checked symbolically.
      assertMatchesAnalysis(model, `${name}:${exportName}`, { forward: model.inputShape[0]! <= 32 });
    }
  }
});

const TRICKY = `import { model, conv2d, depthwiseConv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, batchNorm, relu,
  leakyRelu, relu6, hardswish, selu, logSoftmax, lrn, dropout, flatten, dense, zeroPad2d, parallel, residual, globalAvgPool } from 'cnn-explorer';
export const ceil = model('Ceil', [11, 11, 3], [maxPool2d(3, { stride: 2, ceilMode: true }), avgPool2d(2, { ceilMode: true }),
  avgPool2d(3, { stride: 2, padding: 1, ceilMode: true })]);
// A last window that would start in the right padding is dropped (PyTorch's ceil-mode rule).
export const ceilEdge = model('CeilEdge', [5, 5, 1], [maxPool2d(2, { padding: 1, ceilMode: true }), avgPool2d(2, { padding: 1, ceilMode: true })]);
export const same = model('Same', [13, 12, 3], [conv2d(4, 3, { stride: 2, padding: 'same' }), conv2d(4, [2, 5], { stride: [2, 3], padding: 'same' }), relu6(),
  hardswish()]);
export const padMax = model('PadMax', [7, 7, 2], [maxPool2d(3, { stride: 2, padding: 1 }), maxPool2d(2, { padding: 1 })]);
export const groups = model('Groups', [9, 9, 8], [conv2d(12, 3, { groups: 4, padding: 1 }), conv2d(12, 3, { groups: 12 }), batchNorm(), leakyRelu(0.2)]);
export const dilation = model('Dilation', [15, 15, 2], [conv2d(3, 3, { dilation: 2 }), conv2d(3, 3, { dilation: [2, 3], stride: 2, padding: 2 }),
  depthwiseConv2d(3, { dilation: 2, padding: 'same' })]);
export const adaptive = model('Adaptive', [7, 5, 3], [parallel([[adaptiveAvgPool2d([3, 2])], [adaptiveAvgPool2d([3, 2])]]), selu(),
  adaptiveAvgPool2d(1), flatten()]);
export const multiplier = model('Multiplier', [8, 8, 3], [depthwiseConv2d(3, { multiplier: 2, stride: 2, padding: 1 }), batchNorm(), lrn({ size: 4 }),
  residual([conv2d(6, 1)]), zeroPad2d([1, 2]), globalAvgPool(), dropout(0.3), dense(5, { activation: 'logSoftmax' })]);
export const flat = model('Flat', [20], [dense(8, { activation: 'leakyRelu' }), batchNorm(), dropout(0.5),
  dense(4, { activation: 'hardswish' }), dense(3), logSoftmax()]);
`;

test('tricky small models: shapes and counts equal the analysis, also through a real forward pass', async () => {
  const file = path.join(dir, 'tricky.cnn.ts');
  fs.writeFileSync(file, TRICKY);
  const loaded = await loadModelFile(file);
  assert.equal(loaded.models.length, 9);
  for (const { exportName, model } of loaded.models) assertMatchesAnalysis(model, exportName, { forward: true });
});

/** A layer applied to a concrete NHWC tensor given as nested rows of channel vectors. */
function run(layer: tfl.layers.Layer, x: tf.Tensor): number[] {
  const y = layer.apply(x) as tf.Tensor;
  return Array.from(y.dataSync()).map((v) => Math.round(v * 1e4) / 1e4);
}

function grid(h: number, w: number, f: (r: number, c: number) => number): tf.Tensor4D {
  const values: number[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) values.push(f(r, c));
  return tf.tensor4d(values, [1, h, w, 1]);
}

test('avg pool counts padded zeros; ceil mode divides only by cells inside the padded input', () => {
  const avg = (kernel: number, stride: number, padding: number, ceilMode: boolean) => new CnnPool2D({
    mode: 'avg', kernel: [kernel, kernel], stride: [stride, stride], padding: [padding, padding], ceilMode });
  // 3×3 ones, kernel 2, padding 1: the corner window holds one 1 and three padded zeros.
  assert.deepEqual(run(avg(2, 2, 1, false), grid(3, 3, () => 1)), [0.25, 0.5, 0.5, 1]);
  // 1…9, kernel 2, ceil mode: the last row/column windows hang over the edge and average what is inside.
  assert.deepEqual(run(avg(2, 2, 0, true), grid(3, 3, (r, c) => r * 3 + c + 1)), [3, 4.5, 7.5, 9]);
  // 4×4 ones, kernel 3 stride 2 padding 1, ceil mode: the last window covers 2 rows of the padded
  // input (one real, one padding) and one overhang row that is not counted.
  const y = run(avg(3, 2, 1, true), grid(4, 4, () => 1));
  assert.deepEqual(y, [0.4444, 0.6667, 0.3333, 0.6667, 1, 0.5, 0.3333, 0.5, 0.25]);
});

test('max pool padding never wins, even over negative inputs', () => {
  const pool = new CnnPool2D({ mode: 'max', kernel: [2, 2], stride: [2, 2], padding: [1, 1], ceilMode: false });
  assert.deepEqual(run(pool, grid(3, 3, (r, c) => -5 - r * 3 - c)), [-5, -6, -8, -9]);
  const ceil = new CnnPool2D({ mode: 'max', kernel: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: true });
  assert.deepEqual(run(ceil, grid(3, 3, (r, c) => -(r * 3 + c + 1))), [-1, -3, -7, -9]);
});

test('adaptive average pool uses PyTorch\'s overlapping bins (5 → 2)', () => {
  const pool = new CnnAdaptiveAvgPool2D({ size: [2, 2] });
  assert.deepEqual(run(pool, grid(5, 5, (r, c) => r * 5 + c)), [6, 8, 16, 18]);
});

test('LRN follows PyTorch\'s channel window, also for an even size', () => {
  const layer = new CnnLRN({ size: 2, alpha: 1, beta: 1, k: 1 });
  // channel c sums squares over [c − 1, c]: (1), (1+4), (4+9)
  assert.deepEqual(run(layer, tf.tensor4d([1, 2, 3], [1, 1, 1, 3])), [0.6667, 0.5714, 0.4]);
});

test('dilated, grouped and TensorFlow-\'same\' convolutions compute what their definitions say', () => {
  const conv = (args: Partial<ConstructorParameters<typeof CnnConv2D>[0]>) => new CnnConv2D({
    filters: 1, kernel: [2, 2], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, bias: false,
    activation: null, init: 'zeros', ...args });
  // Dilation 2, 2×2 ones kernel on 1…9: taps at the four corners.
  const dilated = conv({ dilation: [2, 2] });
  dilated.apply(grid(3, 3, () => 0));
  dilated.setWeights([tf.ones([2, 2, 1, 1])]);
  assert.deepEqual(run(dilated, grid(3, 3, (r, c) => r * 3 + c + 1)), [20]);
  // 'same' with stride 2 on 4×4: TensorFlow pads 0 before and 1 after.
  const same = conv({ kernel: [3, 3], stride: [2, 2], padding: 'same' });
  same.apply(grid(4, 4, () => 0));
  same.setWeights([tf.ones([3, 3, 1, 1])]);
  assert.deepEqual(run(same, grid(4, 4, () => 1)), [9, 6, 6, 4]);
  // Groups 2: output 0 sees channels 0–1 only, output 1 channels 2–3 only.
  const grouped = conv({ filters: 2, kernel: [1, 1], groups: 2 });
  const x = tf.tensor4d([1, 10, 100, 1000], [1, 1, 1, 4]);
  grouped.apply(x);
  grouped.setWeights([tf.tensor4d([1, 1, 2, 3], [1, 1, 2, 2])]); // [kh, kw, in/groups, filters]
  // out0 = 1·1 + 10·2 = 21 (weights [0][0] and [1][0]); out1 = 100·1 + 1000·3 = 3100
  assert.deepEqual(run(grouped, x), [21, 3100]);
});

test('a padded convolution computes the same values and kernel and bias gradients fused or fed by the data alone', () => {
  // inputNeedsGradient false (a first layer) takes the route with no input gradient (its own
  // gradient for the kernel and bias); both pad inside the convolution.
  const make = (inputNeedsGradient: boolean) => {
    const layer = new CnnConv2D({ filters: 1, kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1,
      bias: true, activation: null, init: 'zeros', inputNeedsGradient });
    layer.apply(grid(3, 3, () => 0));
    layer.setWeights([tf.ones([3, 3, 1, 1]), tf.tensor1d([0.5])]);
    return layer;
  };
  const x = grid(3, 3, () => 1);
  for (const inputNeedsGradient of [true, false]) {
    const layer = make(inputNeedsGradient);
    // 3×3 ones padded by 1: corners see 4 ones, edges 6, the centre 9; plus the bias.
    assert.deepEqual(run(layer, x), [4.5, 6.5, 4.5, 6.5, 9.5, 6.5, 4.5, 6.5, 4.5]);
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    // Weighted by output position so that the bias gradient is not just a count.
    const weights = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, weights)) as tf.Scalar, [kernel!, bias!]);
    // d/dk[i][j] = the weights of the output cells whose tap (i, j) falls on a real pixel: tap (0, 0)
    // reaches up and left, so only outputs 5, 6, 8, 9 see a pixel with it (28).
    assert.deepEqual(Array.from(grads[kernel!.name]!.dataSync()), [28, 39, 24, 33, 45, 27, 16, 21, 12], `inputNeedsGradient ${inputNeedsGradient}`);
    assert.deepEqual(Array.from(grads[bias!.name]!.dataSync()), [45], `inputNeedsGradient ${inputNeedsGradient}`);
  }
});

test('hardswish is PyTorch\'s nn.Hardswish: x · relu6(x + 3) / 6, with its gradient', () => {
  const x = tf.tensor1d([-4, -3, -1, 0, 1, 3, 4]);
  // `+ 0`: x · 0 is −0 for negative x, here as in PyTorch; deepEqual tells −0 from 0.
  const y = Array.from(activate(x, 'hardswish').dataSync()).map((v) => Math.round(v * 1e4) / 1e4 + 0);
  assert.deepEqual(y, [0, 0, -0.3333, 0, 0.6667, 3, 4]);
  // d/dx: 0 below −3, (2x + 3)/6 between, 1 above 3 (PyTorch's values away from the kinks).
  const dy = tf.grad((t: tf.Tensor) => activate(t, 'hardswish'))(tf.tensor1d([-4, -1, 0, 1, 4]));
  assert.deepEqual(Array.from(dy.dataSync()).map((v) => Math.round(v * 1e4) / 1e4 + 0), [0, 0.1667, 0.5, 0.8333, 1]);
});
