import assert from 'node:assert/strict';
import test from 'node:test';
import { analyzeModel } from '../../../src/analysis/index';
import type { AnalyzedModel } from '../../../src/analysis/types';
import { avgPool2d, conv2d, dense, dropout, flatten, model, relu, sigmoid } from '../../../src/dsl/index';
import { INPUT_ID } from '../../../src/dsl/ir';
import { mergeArchitectures, signedCount } from '../../../src/runs/archMerge';

// The merged graph of two versions of one model: what the architecture diff view draws.

const analyzed = (m: ReturnType<typeof model>): AnalyzedModel => ({ exportName: 'default', model: m, analysis: analyzeModel(m) });
const labels = { before: 'HEAD', after: 'working copy' };

const lenet = (firstFilters: number) => analyzed(model('LeNet-5', [28, 28, 1], [
  conv2d(firstFilters, 5, { padding: 2 }), sigmoid(), avgPool2d(2), conv2d(16, 5), sigmoid(), avgPool2d(2),
  flatten(), dense(120), sigmoid(), dense(84), sigmoid(), dense(10),
]));

test('one layer\'s channels changed: it and the layers whose shapes or parameters follow are changed, with exact deltas', () => {
  const { graph, diff } = mergeArchitectures(lenet(6), lenet(8), labels);
  assert.deepEqual(Object.fromEntries(Object.entries(diff.layers).map(([id, d]) => [id, d.status])), {
    conv2d_1: 'changed', sigmoid_1: 'changed', avgPool2d_1: 'changed', conv2d_2: 'changed',
  });
  const first = diff.layers.conv2d_1!;
  assert.deepEqual(first.fields, [{ key: 'filters', from: '6', to: '8' }]);
  assert.deepEqual(first.outputShape, ['28×28×6', '28×28×8']);
  assert.deepEqual(first.params, [6 * (25 + 1), 8 * (25 + 1)]);
  assert.deepEqual(first.macs, [28 * 28 * 6 * 25, 28 * 28 * 8 * 25]);
  assert.deepEqual(diff.layers.avgPool2d_1!.outputShape, ['14×14×6', '14×14×8']);
  // The next convolution keeps its output, but reads 8 channels: its weights grow.
  const second = diff.layers.conv2d_2!;
  assert.equal(second.outputShape[0], second.outputShape[1]);
  assert.deepEqual(second.params, [16 * (5 * 5 * 6 + 1), 16 * (5 * 5 * 8 + 1)]);
  assert.equal(signedCount(...second.params), '+800');
  assert.equal(signedCount(...diff.totals.params), '+852');
  assert.deepEqual(diff.totals.layers, [12, 12]);
  assert.equal(graph.model.nodes.length, 12);
  assert.equal(graph.analysis.totals.trainableParams, diff.totals.params[1]);
});

test('an added layer and a removed one: the merged graph holds both, the removed one wired where it was', () => {
  const before = analyzed(model('M', [28, 28, 1], [conv2d(8, 3), relu(), flatten(), dense(32, { name: 'hidden' }), dense(10, { name: 'head' })]));
  const after = analyzed(model('M', [28, 28, 1], [conv2d(8, 3), relu(), flatten(), dropout(0.5), dense(10, { name: 'head' })]));
  const { graph, diff } = mergeArchitectures(before, after, labels);
  assert.equal(diff.layers.dropout_1?.status, 'added');
  assert.deepEqual(diff.layers.dropout_1?.params, [0, 0]);
  assert.equal(diff.layers.hidden?.status, 'removed');
  assert.deepEqual(diff.layers.hidden?.params, [8 * 26 * 26 * 32 + 32, 0]);
  assert.deepEqual(diff.layers.hidden?.outputShape, ['32', '—']);
  // `head` read 32 features and reads 5408 now.
  assert.equal(diff.layers.head?.status, 'changed');
  assert.deepEqual(diff.layers.head?.params, [32 * 10 + 10, 8 * 26 * 26 * 10 + 10]);
  assert.equal(diff.layers.conv2d_1, undefined, 'an unchanged layer carries no delta');
  const ids = graph.model.nodes.map((n) => n.id);
  assert.deepEqual(ids, ['conv2d_1', 'relu_1', 'flatten_1', 'hidden', 'dropout_1', 'head']);
  const byId = new Map(graph.model.nodes.map((n) => [n.id, n]));
  assert.deepEqual(byId.get('hidden')!.inputs, ['flatten_1']);
  assert.deepEqual(byId.get('head')!.inputs, ['dropout_1', 'hidden']);
  assert.deepEqual(graph.analysis.nodes.map((n) => n.id), ids, 'every merged node has its analysis, in order');
  assert.deepEqual(diff.totals.layers, [5, 5]);
  // Each node's inputs come before it.
  const seen = new Set([INPUT_ID]);
  for (const n of graph.model.nodes) {
    assert.ok(n.inputs.every((i) => seen.has(i)), `${n.id} after its inputs`);
    seen.add(n.id);
  }
});

test('the same model twice: no deltas', () => {
  const { diff } = mergeArchitectures(lenet(6), lenet(6), labels);
  assert.deepEqual(diff.layers, {});
  assert.equal(signedCount(...diff.totals.macs), '±0');
});
