import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StateTensor } from '../../../src/interop/parameters';
import { matchStateDict, type StateDict } from '../../../src/weights/stateDict';

const target = (key: string, shape: number[]): StateTensor =>
  ({ key, nodeId: key.split('.')[0]!, role: key.split('.').pop() as StateTensor['role'], shape, trainable: true });
const tensor = (shape: number[], fill = 1) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });

const MODEL = [target('stem.conv.weight', [8, 3, 3, 3]), target('stem.bn.weight', [8]), target('stem.bn.bias', [8]),
  target('stem.bn.running_mean', [8]), target('stem.bn.running_var', [8]), target('fc.weight', [10, 8]), target('fc.bias', [10])];

test('by key when the source has every key; num_batches_tracked and extra keys ignored', () => {
  const source: StateDict = new Map([...MODEL].reverse().map((t) => [t.key, tensor(t.shape)]));
  source.set('stem.bn.num_batches_tracked', tensor([]));
  source.set('extra.weight', tensor([2]));
  const m = matchStateDict(MODEL, source, { partial: false });
  assert.equal(m.by, 'key');
  assert.deepEqual([...m.pairs.keys()], MODEL.map((t) => t.key));
  assert.equal(m.pairs.get('fc.bias'), source.get('fc.bias'));
});

test('by position when the names differ (torchvision style), skipping num_batches_tracked', () => {
  const names = ['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', 'fc.weight', 'fc.bias'];
  const shapes = [[8, 3, 3, 3], [8], [8], [8], [8], [], [10, 8], [10]];
  const source: StateDict = new Map(names.map((n, i) => [n, tensor(shapes[i]!, i)]));
  const m = matchStateDict(MODEL, source, { partial: false });
  assert.equal(m.by, 'order');
  assert.equal(m.pairs.get('stem.bn.running_var'), source.get('bn1.running_var'));
  assert.equal(m.pairs.get('fc.weight'), source.get('fc.weight'));
});

test('partial, by position, keeping the tensors whose shape differs (torchvision\'s weights, a new head and first layer)', () => {
  const names = ['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', 'fc.weight', 'fc.bias'];
  const shapes = [[8, 3, 7, 7], [8], [8], [8], [8], [], [1000, 8], [1000]];
  const source: StateDict = new Map(names.map((n, i) => [n, tensor(shapes[i]!, i)]));
  assert.throws(() => matchStateDict(MODEL, source, { partial: false }), { message: 'model stem.conv.weight [8,3,3,3] ≠ file conv1.weight [8,3,7,7]' });
  const m = matchStateDict(MODEL, source, { partial: true });
  assert.equal(m.by, 'order');
  assert.deepEqual([...m.pairs.keys()], ['stem.bn.weight', 'stem.bn.bias', 'stem.bn.running_mean', 'stem.bn.running_var']);
  assert.equal(m.pairs.get('stem.bn.running_var'), source.get('bn1.running_var'));
  assert.deepEqual(m.skipped, [
    { key: 'stem.conv.weight', reason: 'shape [8,3,7,7] there (conv1.weight), [8,3,3,3] here' },
    { key: 'fc.weight', reason: 'shape [1000,8] there (fc.weight), [10,8] here' },
    { key: 'fc.bias', reason: 'shape [1000] there (fc.bias), [10] here' },
  ]);
  // Roles that differ at a position are no match at all.
  const swapped: StateDict = new Map([...source].map(([k, v]) => [k === 'bn1.bias' ? 'bn1.running_mean' : k === 'bn1.running_mean' ? 'bn1.bias' : k, v]));
  assert.throws(() => matchStateDict(MODEL, swapped, { partial: true }));
});

test('a source that does not fit is one error naming both sides\' tensor and shape', () => {
  const wide: StateDict = new Map([['conv1.weight', tensor([16, 3, 3, 3])], ['bn1.weight', tensor([16])]]);
  assert.throws(() => matchStateDict(MODEL, wide, { partial: false }), { message: 'model stem.conv.weight [8,3,3,3] ≠ file conv1.weight [16,3,3,3]' });
  const short: StateDict = new Map(MODEL.slice(0, 5).map((t, i) => [`x${i}.${t.role}`, tensor(t.shape)]));
  assert.throws(() => matchStateDict(MODEL, short, { partial: false }),
    { message: 'the model has 7 tensors, the file 5 (num_batches_tracked not counted); the first without a match is the model\'s fc.weight [10,8]' });
  const roles: StateDict = new Map([['a.bias', tensor([8, 3, 3, 3])]]);
  assert.throws(() => matchStateDict(MODEL.slice(0, 1), roles, { partial: false }), { message: 'model stem.conv.weight [8,3,3,3] ≠ file a.bias [8,3,3,3]' });
  const byKey: StateDict = new Map(MODEL.map((t) => [t.key, tensor(t.key === 'fc.weight' ? [5, 8] : t.shape)]));
  assert.throws(() => matchStateDict(MODEL, byKey, { partial: false }), { message: 'model fc.weight [10,8] ≠ file fc.weight [5,8]' });
});

test('partial (initFrom): what matches by key and shape is copied, the rest is skipped with why', () => {
  const source: StateDict = new Map(MODEL.slice(0, 5).map((t) => [t.key, tensor(t.shape)]));
  source.set('fc.weight', tensor([5, 8]));
  const m = matchStateDict(MODEL, source, { partial: true });
  assert.equal(m.by, 'key');
  assert.equal(m.pairs.size, 5);
  assert.deepEqual(m.skipped, [
    { key: 'fc.weight', reason: 'shape [5,8] there, [10,8] here' },
    { key: 'fc.bias', reason: 'not in the source' },
  ]);
});
