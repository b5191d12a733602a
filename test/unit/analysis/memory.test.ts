import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../../src/analysis/index';
import { trainingMemory } from '../../../src/analysis/memory';
import { conv2d, dense, flatten, model } from '../../../src/dsl/index';

// The estimate of what training holds in memory (weights, gradients and Adam's two moments:
// 4 × the parameters; activations × batch × 2), and the warning analysis gives at the layer
// from which a model does not fit in the memory its caller says there is.

// conv 40 params, 8×8×4 out (1,024 B); flatten 1,024 B; dense 2,570 params, 10 out (40 B).
const SMALL = model('Small', [8, 8, 1], [conv2d(4, 3, { padding: 1 }), flatten(), dense(10)]);
const PARAM_BYTES = (40 + 2570) * 4;
const ACTIVATION_BYTES = 1024 + 1024 + 40;

test('the estimate: 4 × the parameters as float32, plus activations × batch × 2', () => {
  const m = trainingMemory(analyzeModel(SMALL).nodes, { batchSize: 2, memoryBytes: 1e9 });
  assert.equal(m.parameterBytes, PARAM_BYTES);
  assert.equal(m.activationBytesPerImage, ACTIVATION_BYTES);
  assert.equal(m.totalBytes, 4 * PARAM_BYTES + ACTIVATION_BYTES * 2 * 2);
  assert.equal(m.exceededAt, null);
  assert.equal(m.firstBatchBytes, PARAM_BYTES + ACTIVATION_BYTES * 2, 'the forward pass of one batch: weights and outputs once');
  assert.equal(m.firstBatchExceededAt, null);
  assert.equal(m.largestBatch, Math.floor((1e9 - 4 * PARAM_BYTES) / (ACTIVATION_BYTES * 2)));
});

test('a model that fits exactly, or analysed without a budget, gets no warning', () => {
  const total = 4 * PARAM_BYTES + ACTIVATION_BYTES * 2 * 2;
  assert.deepEqual(analyzeModel(SMALL, { batchSize: 2, memoryBytes: total }).diagnostics, []);
  assert.deepEqual(analyzeModel(SMALL).diagnostics, []);
});

test('the warning is at the layer from which the running total passes the memory, with the figures and a batch size that fits', () => {
  const a = analyzeModel(SMALL, { batchSize: 2, memoryBytes: 50_000 });
  assert.equal(a.diagnostics.length, 1);
  const d = a.diagnostics[0]!;
  assert.equal(d.severity, 'warning');
  assert.equal(d.nodeId, 'dense_1');
  assert.deepEqual(d.source, SMALL.nodes.find((n) => n.id === 'dense_1')!.source);
  assert.equal(d.message,
    "dense_1: training does not fit in memory from this layer on: it needs about 48.94 KiB at batch size 2 " +
    "(weights, gradients and Adam's two moments: 4 × 10.20 KiB of parameters, plus activations 2.04 KiB × 2 × 2 " +
    'for the backward pass); this machine has 48.83 KiB; lower batchSize to 1 or less');
});

test('where the parameters alone do not fit, the fix is a smaller model', () => {
  const a = analyzeModel(SMALL, { batchSize: 2, memoryBytes: 4000 });
  assert.equal(a.diagnostics.length, 1);
  assert.equal(a.diagnostics[0]!.nodeId, 'conv2d_1');
  const m = trainingMemory(a.nodes, { batchSize: 2, memoryBytes: 4000 });
  assert.equal(m.firstBatchExceededAt, 'flatten_1', 'the first batch alone passes 4,000 bytes at flatten_1 (160 + 2 × 2,048)');
  assert.match(a.diagnostics[0]!.message, /; make the model smaller: its parameters alone need 40\.78 KiB to train$/);
});

test('an absurd model: the warning says so in bytes, with counts past 2^53 not printed as digits', () => {
  const absurd = model('Absurd', [100000, 100000, 3], [flatten(), dense(1e9), dense(10)]);
  const a = analyzeModel(absurd, { batchSize: 64, memoryBytes: 24 * 2 ** 30 });
  assert.deepEqual(a.diagnostics.map((d) => [d.severity, d.nodeId]), [['warning', 'flatten_1']]);
  assert.equal(a.diagnostics[0]!.message,
    "flatten_1: training does not fit in memory from this layer on: it needs about 416.33 EiB at batch size 64 " +
    "(weights, gradients and Adam's two moments: 4 × 104.08 EiB of parameters, plus activations 115.48 GiB × 64 × 2 " +
    'for the backward pass); this machine has 24.00 GiB; make the model smaller: its parameters alone need 416.33 EiB to train');
});

test('a model with an error gets no memory warning: its sizes stop at the error, and the error is the one to fix', () => {
  const broken = model('Broken', [8, 8, 1], [conv2d(4, 3), dense(1e9)]);
  const a = analyzeModel(broken, { batchSize: 64, memoryBytes: 1 });
  assert.deepEqual(a.diagnostics.map((d) => d.severity), ['error']);
});
