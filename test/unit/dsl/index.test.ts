import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  avgPool2d, batchNorm, block, conv2d, dense, dropout, flatten, leakyRelu, maxPool2d, model, parallel, relu,
  repeat, residual, zeroPad2d,
} from '../../../src/dsl/index';
import { INPUT_ID } from '../../../src/dsl/ir';

test('defaults follow PyTorch', () => {
  const m = model('D', [8, 8, 3], [conv2d(4, 3), maxPool2d(2), avgPool2d(3, { stride: 1, padding: 1, ceilMode: true }), batchNorm()]);
  assert.deepEqual(m.nodes[0]!.op, {
    type: 'conv2d', filters: 4, kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, bias: true, activation: null,
  });
  assert.deepEqual(m.nodes[1]!.op, { type: 'maxPool2d', kernel: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: false });
  assert.deepEqual(m.nodes[2]!.op, { type: 'avgPool2d', kernel: [3, 3], stride: [1, 1], padding: [1, 1], ceilMode: true });
  assert.deepEqual(m.nodes[3]!.op, { type: 'batchNorm', epsilon: 1e-5, momentum: 0.9 });
});

test('unnamed layers are numbered per type in order of appearance; nesting means sequence', () => {
  const m = model('N', [8, 8, 1], [[conv2d(2, 3), [relu()]], conv2d(2, 3, { name: 'second' }), conv2d(2, 1), relu(), leakyRelu(0.2)]);
  assert.deepEqual(m.nodes.map((n) => n.name), ['conv2d_1', 'relu_1', 'second', 'conv2d_3', 'relu_2', 'leakyRelu_1']);
  assert.deepEqual(m.nodes.map((n) => n.inputs), [[INPUT_ID], ['conv2d_1'], ['relu_1'], ['second'], ['conv2d_3'], ['relu_2']]);
  assert.deepEqual(m.nodes[5]!.op, { type: 'leakyRelu', alpha: 0.2 });
  assert.equal(m.output, 'leakyRelu_1');
});

test('blocks prefix paths; residual and parallel merge their branches', () => {
  const basic = (c: number) => [residual([conv2d(c, 3, { padding: 1 }), batchNorm(), relu(), conv2d(c, 3, { padding: 1 })]), relu()];
  const m = model('R', [8, 8, 4], [
    block('stage1', [basic(4)]),
    parallel([[conv2d(2, 1)], [], [maxPool2d(3, { stride: 1, padding: 1 })]], { name: 'mix' }),
  ]);
  const byPath = new Map(m.nodes.map((n) => [n.path, n]));
  assert.deepEqual([...byPath.keys()], [
    'stage1/conv2d_1', 'stage1/batchNorm_1', 'stage1/relu_1', 'stage1/conv2d_2', 'stage1/add_1', 'stage1/relu_2',
    'conv2d_3', 'maxPool2d_1', 'mix',
  ]);
  assert.deepEqual(byPath.get('stage1/add_1')!.inputs, ['stage1/conv2d_2', INPUT_ID], 'identity shortcut is the block input');
  assert.deepEqual(byPath.get('mix')!.op, { type: 'concat' });
  assert.deepEqual(byPath.get('mix')!.inputs, ['conv2d_3', 'stage1/relu_2', 'maxPool2d_1']);
  assert.deepEqual(m.groups.map((g) => [g.id, g.name, g.kind, g.parent]), [
    ['block:1', 'stage1', 'block', null],
    ['residual:2', 'residual_1', 'residual', 'block:1'],
    ['parallel:3', 'mix', 'parallel', null],
  ]);
  assert.deepEqual(byPath.get('stage1/conv2d_1')!.groups, ['block:1', 'residual:2']);
});

test('repeat concatenates fn(i) for i = 0…n−1', () => {
  const m = model('Rep', [16], [repeat(3, (i) => [dense(8 * (i + 1)), relu()]), repeat(0, () => dropout(0.5))]);
  assert.deepEqual(m.nodes.filter((n) => n.op.type === 'dense').map((n) => (n.op as { units: number }).units), [8, 16, 24]);
  assert.equal(m.nodes.length, 6);
});

test('zeroPad2d takes a number or an [h, w] pair', () => {
  const m = model('Z', [4, 4, 1], [zeroPad2d(1), zeroPad2d([2, 3])]);
  assert.deepEqual(m.nodes.map((n) => n.op), [{ type: 'zeroPad2d', padding: [1, 1, 1, 1] }, { type: 'zeroPad2d', padding: [2, 2, 3, 3] }]);
});

test('misuse is reported with the function and the fix', () => {
  const cases: Array<[() => unknown, string]> = [
    [() => model('X', [28, 28] as never, []), 'model: inputShape must be [height, width, channels] or [features]'],
    [() => model('X', [28, 0, 1], []), 'model: inputShape[1] must be a positive integer, got 0'],
    [() => model('', [4], []), "model: the first argument must be the model's name"],
    [() => model('X', [4], [dense(2, { name: 'a' }), dense(2, { name: 'a' })]), "duplicate layer name 'a': names must be unique within a model"],
    [() => maxPool2d(3, { padding: 2 }), 'maxPool2d: padding (2) must be at most half the kernel (3)'],
    [() => dropout(1), 'dropout: rate must be below 1 (a rate of 1 drops everything)'],
    [() => dropout(1.5), 'dropout: rate must be in [0, 1], got 1.5'],
    [() => batchNorm({ epsilon: 0 }), 'batchNorm: epsilon must be > 0, got 0'],
    [() => parallel([]), 'parallel: branches must be a non-empty list of layer lists'],
    [() => parallel([[relu()]], { merge: 'mul' as never }), "parallel: merge must be one of 'concat', 'add', got \"mul\""],
    [() => residual([relu()], { shortcut: relu() as never }), 'residual: shortcut must be a list of layers, got object'],
    [() => repeat(2, () => 3 as never), 'repeat: fn(0) returned something that is not a layer or a layer list'],
    [() => block('a/b', []), "block: name must be a non-empty string without '/' or spaces, got \"a/b\""],
    [() => conv2d(4, 3, { name: 'my conv' }), "conv2d: name must be a non-empty string without '/' or spaces, got \"my conv\""],
    [() => flatten(3 as never), 'flatten: options must be an object like { name: … }, got 3'],
  ];
  for (const [fn, message] of cases) assert.throws(fn, { message }, message);
});
