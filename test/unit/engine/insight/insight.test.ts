import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { conv2d, dense, globalAvgPool, model, relu } from '../../../../src/dsl/index';
import { buildTfModel } from '../../../../src/engine/model/index';
import { effectiveRf } from '../../../../src/engine/insight/effectiveRf';
import { featureMaps } from '../../../../src/engine/insight/featureMaps';
import { insightModel, lastConvolution } from '../../../../src/engine/insight/forward';
import { gradCam } from '../../../../src/engine/insight/gradCam';
import { cellImages } from '../../../../src/engine/insight/predictions';

// Grad-CAM and the effective receptive field on a model small enough to work by hand:
// 3×3×1 input → conv 2×2 (two filters, bias 0) → ReLU → global average pool → dense 2 (no bias).
//   K1 = [[1, 0], [0, 1]]   (x[i][j] + x[i+1][j+1])
//   K2 = [[0, 1], [-1, 0]]  (x[i][j+1] − x[i+1][j])
//   W (channel × class) = [[1, −1], [2, 1]]

test.before(async () => {
  await tf.setBackend('cpu');
});

function handModel() {
  const ir = model('hand', [3, 3, 1], [conv2d(2, 2), relu(), globalAvgPool(), dense(2, { bias: false })]);
  const tfModel = buildTfModel(ir);
  const [convNode, , , denseNode] = ir.nodes;
  const m = insightModel(tfModel, ir);
  // Kernel layout [kh, kw, in, filters]. A bias (zero) as every trained convolution has: training
  // builds the first one without an input gradient, which the receptive field needs.
  m.model.getLayer(m.names.byNode.get(convNode!.id)!).setWeights([tf.tensor4d([1, 0, 0, 1, 0, -1, 1, 0], [2, 2, 1, 2]), tf.zeros([2])]);
  m.model.getLayer(m.names.byNode.get(denseNode!.id)!).setWeights([tf.tensor2d([[1, -1], [2, 1]])]);
  test.after(() => tfModel.dispose());
  return { m, ir };
}

const X = tf.tensor3d([1, 2, 0, 0, 1, 3, 2, 0, 1], [3, 3, 1]);

function assertClose(actual: Float32Array, expected: number[], label: string): void {
  assert.equal(actual.length, expected.length, label);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-5, `${label}[${i}]: ${v} ≠ ${expected[i]}`));
}

test('Grad-CAM reads the ReLU after the last convolution and matches the hand computation', () => {
  const { m, ir } = handModel();
  assert.equal(lastConvolution(ir)!.id, ir.nodes[1]!.id);
  // A = ReLU(conv): A1 = [[2, 5], [0, 2]], A2 = [[2, 0], [0, 3]]. Through the average pool and W,
  // ∂score_c/∂A_k(i, j) = W[k][c] / 4.
  // Class 0: weights [0.25, 0.5] → cam [[1.5, 1.25], [0, 2]]; resized to 3×3 (corners kept,
  // edges and centre the means of their neighbours) and divided by its maximum, 2.
  const c0 = gradCam(m, X, 0);
  assert.deepEqual([c0.height, c0.width], [3, 3]);
  assertClose(c0.values, [0.75, 0.6875, 0.625, 0.375, 0.59375, 0.8125, 0, 0.5, 1], 'class 0');
  // Class 1: weights [−0.25, 0.25] → ReLU([[0, −1.25], [−0.5, 0.25]]) = [[0, 0], [0, 0.25]].
  const c1 = gradCam(m, X, 1);
  assertClose(c1.values, [0, 0, 0, 0, 0.25, 0.5, 0, 0.5, 1], 'class 1');
});

test('the effective receptive field averages |∂ centre unit / ∂ input| over images', () => {
  const { m, ir } = handModel();
  // The ReLU's output is 2×2: its centre unit is (0, 0), fed by x[0..1][0..1].
  // Image 1 (X): both channels positive there → |K1| + |K2| = [[1, 1], [1, 1]].
  // Image 2: A2(0, 0) = 0 − 1 < 0, cut by the ReLU → |K1| = [[1, 0], [0, 1]].
  const second = tf.tensor3d([1, 0, 0, 1, 1, 0, 0, 0, 0], [3, 3, 1]);
  const erf = effectiveRf(m, tf.stack([X, second]), ir.nodes[1]!.id);
  assert.deepEqual(erf.centre, [0, 0]);
  assert.equal(erf.images, 2);
  assertClose(erf.values, [1, 0.5, 0, 0.5, 1, 0, 0, 0, 0], 'erf');
});

test('feature maps are the convolution\'s outputs, one map per filter', () => {
  const { m, ir } = handModel();
  const maps = featureMaps(m, X, ir.nodes[0]!.id);
  assert.deepEqual([maps.channels, maps.height, maps.width], [2, 2, 2]);
  assertClose(maps.values, [2, 5, 0, 2, 2, -1, -1, 3], 'maps');
  assert.throws(() => featureMaps(m, X, ir.nodes[3]!.id), /has no feature maps/);
});

test('a confusion cell lists the images of that true and predicted class', () => {
  const labels = Int32Array.from([0, 1, 1, 0, 1]);
  const predictions = { classes: 2, predicted: Int32Array.from([0, 0, 1, 1, 0]), probabilities: new Float32Array(10) };
  assert.deepEqual(cellImages(labels, predictions, 1, 0), [1, 4]);
  assert.deepEqual(cellImages(labels, predictions, 0, 1), [3]);
});
