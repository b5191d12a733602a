import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeModel, formatField, formatShape } from '../../../src/analysis/index';
import type { ModelAnalysis } from '../../../src/analysis/types';
import {
  model, conv2d, depthwiseConv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, globalAvgPool, globalMaxPool,
  batchNorm, dropout, flatten, dense, zeroPad2d, relu, parallel, residual, block,
} from '../../../src/dsl/index';
import { INPUT_ID, type ModelIR } from '../../../src/dsl/ir';
import type { LayerList } from '../../../src/dsl/compose';
import { loadModelFile, selectModel } from '../../../src/loader/index';

// Analysis on small models built with the DSL: every shape rule against the framework it
// copies (PyTorch for numeric padding and ceilMode, TensorFlow for 'same'/'valid'), the
// counts, the receptive-field arithmetic, and every diagnostic's exact text.

type Layers = Parameters<typeof model>[2];
function analyze(input: number[], layers: Layers): ModelAnalysis {
  return analyzeModel(model('T', input, layers));
}
const shapes = (a: ModelAnalysis) => a.nodes.map((n) => formatShape(n.outputShape));
const messages = (a: ModelAnalysis) => a.diagnostics.map((d) => `${d.severity}: ${d.message}`);

test('conv2d output size is PyTorch\'s ⌊(h + 2p − d(k − 1) − 1)/s⌋ + 1, with the arithmetic shown', () => {
  const a = analyze([28, 28, 1], [
    conv2d(6, 5, { padding: 2 }),                 // 28
    conv2d(8, 3, { stride: 2, padding: 1 }),      // ⌊(28 + 2 − 3)/2⌋ + 1 = 14
    conv2d(8, 3, { dilation: 2 }),                // 14 − 4 = 10
    conv2d(8, [3, 1], { stride: [2, 1] }),        // h ⌊(10 − 3)/2⌋ + 1 = 4, w 10
  ]);
  assert.deepEqual(shapes(a), ['28×28×6', '14×14×8', '10×10×8', '4×10×8']);
  assert.deepEqual(a.nodes[0]!.formula, ['h: ⌊(28 − 5 + 2·2)/1⌋ + 1 = 28', 'w: ⌊(28 − 5 + 2·2)/1⌋ + 1 = 28']);
  assert.deepEqual(a.nodes[2]!.formula[0], 'h: ⌊(14 − 5)/1⌋ + 1 = 10 (dilated kernel 2·(3 − 1) + 1 = 5)');
  assert.deepEqual(a.nodes[3]!.formula, ['h: ⌊(10 − 3)/2⌋ + 1 = 4', 'w: ⌊(10 − 1)/1⌋ + 1 = 10']);
  assert.deepEqual(a.diagnostics, []);
});

test("'same' and 'valid' are TensorFlow's: ⌈h/s⌉, and ⌊(h − k)/s⌋ + 1", () => {
  const a = analyze([28, 27, 3], [
    conv2d(4, 3, { stride: 2, padding: 'same' }),   // 14×14
    conv2d(4, 5, { padding: 'same' }),              // 14×14
    conv2d(4, 3, { stride: 2, padding: 'valid' }),  // ⌊11/2⌋ + 1 = 6
  ]);
  assert.deepEqual(shapes(a), ['14×14×4', '14×14×4', '6×6×4']);
  assert.deepEqual(a.nodes[0]!.formula, ['h: ⌈28/2⌉ = 14', 'w: ⌈27/2⌉ = 14']);
  assert.deepEqual(a.nodes[2]!.formula[0], 'h: ⌊(14 − 3)/2⌋ + 1 = 6');
});

test('pools: stride defaults to the kernel; ceilMode as PyTorch, dropping a last window that starts in the right padding', () => {
  const a = analyze([112, 5, 1], [
    maxPool2d([3, 2], { stride: 2, ceilMode: true, padding: [0, 1] }),
  ]);
  // h: ⌈(112 − 3)/2⌉ + 1 = 56 (GoogLeNet's stem); w: ⌈(5 − 2 + 2)/2⌉ + 1 = 4, but the 4th window
  // would start at 6 ≥ 5 + 1, inside the right padding, so PyTorch gives 3.
  assert.deepEqual(shapes(a), ['56×3×1']);
  assert.deepEqual(a.nodes[0]!.formula, [
    'h: ⌈(112 − 3)/2⌉ + 1 = 56',
    'w: ⌈(5 − 2 + 2·1)/2⌉ + 1 − 1 = 3 (a last window would start in the padding)',
  ]);
  const floor = analyze([112, 112, 1], [maxPool2d(3, { stride: 2 }), avgPool2d(2)]);
  assert.deepEqual(shapes(floor), ['55×55×1', '27×27×1']);
  // ceilMode lets a window hang over the edge: PyTorch pools 2×2 with a 3×3 kernel to 1×1.
  assert.deepEqual(shapes(analyze([2, 2, 1], [maxPool2d(3, { stride: 2, ceilMode: true })])), ['1×1×1']);
});

test('depthwise, adaptive, global pools, flatten, zero padding, batchNorm and dense shapes', () => {
  const a = analyze([8, 8, 4], [
    depthwiseConv2d(3, { multiplier: 2, padding: 1 }), // 8×8×8
    zeroPad2d([1, 2]),                                   // 10×12×8
    adaptiveAvgPool2d([2, 3]),                           // 2×3×8
    batchNorm(),
    parallel([[globalAvgPool()], [globalMaxPool()]]),     // 8 + 8
    dense(5),
  ]);
  assert.deepEqual(shapes(a), ['8×8×8', '10×12×8', '2×3×8', '2×3×8', '8', '8', '16', '5']);
  assert.deepEqual(a.nodes[1]!.formula, ['h: 8 + 1 + 1 = 10', 'w: 8 + 2 + 2 = 12']);
  assert.deepEqual(a.nodes.at(-1)!.formula, ['16 → 5']);
  const f = analyze([5, 5, 16], [flatten(), flatten()]);
  assert.deepEqual(shapes(f), ['400', '400']);
  assert.deepEqual(f.nodes[0]!.formula, ['5·5·16 = 400']);
});

test('merges: add keeps the shape, concat sums channels (or features when flat)', () => {
  const a = analyze([8, 8, 3], [
    parallel([[conv2d(4, 1)], [conv2d(6, 3, { padding: 1 })], []]),
    residual([conv2d(13, 3, { padding: 1 })]),
  ]);
  assert.deepEqual(shapes(a), ['8×8×4', '8×8×6', '8×8×13', '8×8×13', '8×8×13']);
  assert.deepEqual(a.nodes[2]!.formula, ['channels: 4 + 6 + 3 = 13']);
  assert.deepEqual(a.nodes[2]!.inputShapes, [[8, 8, 4], [8, 8, 6], [8, 8, 3]]);
});

test('parameters and MACs count as PyTorch does (groups, depthwise, bias, BatchNorm buffers)', () => {
  const a = analyze([10, 10, 32], [
    conv2d(64, 3, { groups: 2, padding: 1 }),            // 3·3·16·64 + 64
    batchNorm(),                                          // 2·64 trainable, 2·64 buffers
    depthwiseConv2d(3, { multiplier: 2, bias: false }),   // 3·3·64·2, out 8×8×128
    conv2d(10, 1, { bias: false }),                       // 128·10
    flatten(),
    dense(7),                                             // 640·7 + 7
  ]);
  const p = a.nodes.map((n) => [n.params.trainable, n.params.nonTrainable]);
  assert.deepEqual(p, [[9280, 0], [128, 128], [1152, 0], [1280, 0], [0, 0], [4487, 0]]);
  assert.deepEqual(a.nodes.map((n) => n.macs), [100 * 64 * 9 * 16, 0, 64 * 128 * 9, 64 * 10 * 128, 0, 640 * 7]);
  assert.deepEqual(a.nodes.map((n) => n.activationBytes), [6400 * 4, 6400 * 4, 8192 * 4, 640 * 4, 640 * 4, 7 * 4]);
  assert.equal(a.totals.trainableParams, 9280 + 128 + 1152 + 1280 + 4487);
  assert.equal(a.totals.nonTrainableParams, 128);
  assert.equal(a.totals.macs, 921600 + 73728 + 81920 + 4480);
  assert.equal(a.totals.activationBytes, (6400 + 6400 + 8192 + 640 + 640 + 7) * 4);
  assert.deepEqual(a.totals.outputShape, [7]);
});

test('receptive fields: size, jump and start (pixel centres) per layer; flat → null', () => {
  const a = analyze([32, 32, 3], [
    conv2d(4, 3, { padding: 1 }),              // 3 /1 @0
    relu(),                                    // unchanged
    conv2d(4, 5),                              // 7 /1 @2
    maxPool2d(2),                              // 8 /2 @2.5
    conv2d(4, 3, { stride: 2, padding: 'same' }), // 14×14 → 7: total pad 1, top 0 → 12 /4 @4.5
    zeroPad2d(1),                              // 12 /4 @0.5
    flatten(),
  ]);
  assert.deepEqual(a.nodes.map((n) => formatField(n.receptiveField)),
    ['3×3 /1 @0', '3×3 /1 @0', '7×7 /1 @2', '8×8 /2 @2.5', '12×12 /4 @4.5', '12×12 /4 @0.5', '—']);
  assert.deepEqual(a.nodes[4]!.receptiveField, { size: [12, 12], jump: [4, 4], start: [4.5, 4.5] });
  assert.equal(analyze([784], [dense(10)]).nodes[0]!.receptiveField, null);
});

test('adaptiveAvgPool2d has an exact field when it divides its input evenly, else null; global pools are flat', () => {
  const even = analyze([8, 8, 1], [adaptiveAvgPool2d(2)]);           // = avgPool2d(4)
  assert.deepEqual(even.nodes[0]!.receptiveField, { size: [4, 4], jump: [4, 4], start: [1.5, 1.5] });
  const odd = analyze([7, 7, 1], [adaptiveAvgPool2d(2), conv2d(1, 1)]);
  assert.deepEqual(odd.nodes.map((n) => n.receptiveField), [null, null]);
  assert.equal(analyze([7, 7, 1], [globalAvgPool()]).nodes[0]!.receptiveField, null);
});

test('a merge takes the largest field; aligned paths give no warning', () => {
  const a = analyze([16, 16, 8], [
    residual([conv2d(8, 3, { padding: 1 }), conv2d(8, 3, { padding: 1 })]),
    residual([conv2d(16, 3, { stride: 2, padding: 1 })], { shortcut: [conv2d(16, 1, { stride: 2 })] }),
  ]);
  assert.deepEqual(a.diagnostics, []);
  assert.equal(formatField(a.nodes[2]!.receptiveField), '5×5 /1 @0');
  assert.equal(formatField(a.nodes.at(-1)!.receptiveField), '7×7 /2 @0');
});

test('paths whose fields are centred differently are "misaligned" (a warning at the merge)', () => {
  // PyTorch-style padding 1 and TensorFlow's 'same' give the same shape but shift the centres.
  const a = analyze([8, 8, 3], [
    parallel([
      [conv2d(4, 3, { stride: 2, padding: 1 })],
      [conv2d(4, 3, { stride: 2, padding: 'same' })],
    ], { merge: 'add' }),
  ]);
  assert.deepEqual(shapes(a), ['4×4×4', '4×4×4', '4×4×4']);
  assert.deepEqual(messages(a), [
    'warning: add_1: receptive fields of the inputs are misaligned (conv2d_1 3×3 /2 @0, conv2d_2 3×3 /2 @1): their centres or jumps differ',
  ]);
  assert.equal(a.diagnostics[0]!.nodeId, 'add_1');
});

// ───────────────────────────── errors, one test per message ─────────────────────────────

test('dense on an unflattened tensor', () => {
  const a = analyze([5, 5, 16], [dense(120), relu(), dense(10)]);
  assert.deepEqual(messages(a), ['error: dense_1: input is 5×5×16 but dense needs a flat input; add flatten() before it']);
  // No cascade: downstream shapes are unknown and say nothing more.
  assert.deepEqual(a.nodes.map((n) => n.outputShape), [null, null, null]);
  assert.deepEqual(a.totals.outputShape, null);
  assert.equal(a.totals.trainableParams, 0);
});

test('a spatial layer on a flat tensor names the layer that flattened it', () => {
  const a = analyze([8, 8, 1], [block('head', [flatten(), relu()]), conv2d(4, 3)]);
  assert.deepEqual(messages(a), ['error: conv2d_1: input is flat (64) but conv2d needs an h×w×c input; move head/flatten_1 after it']);
  const flatInput = analyze([784], [maxPool2d(2)]);
  assert.deepEqual(messages(flatInput), ['error: maxPool2d_1: input is flat (784) but maxPool2d needs an h×w×c input; give the model an input shape [h, w, c]']);
});

test('a kernel larger than its padded input', () => {
  assert.deepEqual(messages(analyze([3, 3, 1], [conv2d(4, 5, { padding: [1, 0] })])), [
    "error: conv2d_1: kernel 5×5 is larger than its padded input 5×3 (input 3×3×1); use a kernel of at most 5×3 or padding: 'same'",
  ]);
  assert.deepEqual(messages(analyze([4, 4, 1], [conv2d(1, 3, { dilation: 2 })])), [
    "error: conv2d_1: kernel 5×5 is larger than its padded input 4×4 (input 4×4×1); use a kernel of at most 4×4 or padding: 'same'",
  ]);
  assert.deepEqual(messages(analyze([2, 2, 1], [maxPool2d(3, { stride: 2 })])), [
    'error: maxPool2d_1: kernel 3×3 is larger than its padded input 2×2 (input 2×2×1); use a kernel of at most 2×2',
  ]);
});

test('groups must divide the input channels (and the filters)', () => {
  assert.deepEqual(messages(analyze([8, 8, 30], [conv2d(64, 3, { groups: 4 })])), [
    'error: conv2d_1: input channels (30) are not divisible by groups (4); use groups: 2',
  ]);
  // The DSL already refuses such filters; an IR from elsewhere still gets a clear message.
  const ir = model('T', [8, 8, 8], [conv2d(8, 3, { groups: 4 })]);
  const bad: ModelIR = { ...ir, nodes: ir.nodes.map((n) => ({ ...n, op: { ...n.op, filters: 6 } as typeof n.op })) };
  assert.deepEqual(messages(analyzeModel(bad)), ['error: conv2d_1: filters (6) are not divisible by groups (4); use groups: 2']);
});

test('add of different shapes: a residual gets a projection shortcut that fits', () => {
  const block1 = (stride: number): LayerList => [residual([conv2d(128, 3, { stride, padding: 1 })])];
  assert.deepEqual(messages(analyze([56, 56, 64], block1(2))), [
    'error: add_1: main path gives 28×28×128 but the shortcut gives 56×56×64; use shortcut: [conv2d(128, 1, { stride: 2 }), batchNorm()]',
  ]);
  assert.deepEqual(messages(analyze([7, 7, 64], block1(1))), [
    'error: add_1: main path gives 7×7×128 but the shortcut gives 7×7×64; use shortcut: [conv2d(128, 1), batchNorm()]',
  ]);
  // No 1×1 projection can grow the shortcut: say what must match instead.
  assert.deepEqual(messages(analyze([8, 8, 4], [residual([zeroPad2d(1)])])), [
    'error: add_1: main path gives 10×10×4 but the shortcut gives 8×8×4; make the main path end in 8×8×4',
  ]);
});

test('add of different shapes in a parallel', () => {
  const a = analyze([8, 8, 3], [parallel([[conv2d(4, 1)], [conv2d(6, 1)]], { merge: 'add' }), relu()]);
  assert.deepEqual(messages(a), [
    'error: add_1: inputs have different shapes (conv2d_1: 8×8×4, conv2d_2: 8×8×6); make every branch end in 8×8×4',
  ]);
  assert.equal(a.nodes.at(-1)!.outputShape, null);
});

test('concat of different spatial sizes, and of flat with spatial inputs', () => {
  assert.deepEqual(messages(analyze([8, 8, 3], [parallel([[conv2d(4, 1)], [maxPool2d(2)]])])), [
    'error: concat_1: inputs differ in spatial size (conv2d_1: 8×8×4, maxPool2d_1: 4×4×3); make every branch end at 8×8',
  ]);
  assert.deepEqual(messages(analyze([8, 8, 3], [parallel([[globalAvgPool()], []])])), [
    'error: concat_1: cannot concatenate flat and h×w×c inputs (globalAvgPool_1: 3, input: 8×8×3); flatten() every h×w×c branch first',
  ]);
});

test('independent errors in two branches are both reported; nothing after them is', () => {
  const a = analyze([4, 4, 2], [parallel([[dense(3)], [conv2d(2, 5)]]), dense(2)]);
  assert.deepEqual(messages(a), [
    'error: dense_1: input is 4×4×2 but dense needs a flat input; add flatten() before it',
    "error: conv2d_1: kernel 5×5 is larger than its padded input 4×4 (input 4×4×2); use a kernel of at most 4×4 or padding: 'same'",
  ]);
});

test('diagnostics carry the node id and the source range of the call that made the layer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-analysis-'));
  const file = path.join(dir, 'bad.cnn.ts');
  fs.writeFileSync(file, [
    "import { model, conv2d, dense } from 'cnn-explorer';",
    "export default model('Bad', [5, 5, 16], [",
    '  conv2d(4, 1),',
    '  dense(10),',
    ']);',
  ].join('\n'));
  const ir = selectModel(await loadModelFile(file)).model;
  const [d] = analyzeModel(ir).diagnostics;
  assert.deepEqual(d, {
    severity: 'error',
    message: 'dense_1: input is 5×5×4 but dense needs a flat input; add flatten() before it',
    nodeId: 'dense_1',
    source: { file, line: 4, column: 3, endLine: 4, endColumn: 12 },
  });
});

test('an empty model is its input; nodes come back in IR order with their ids', () => {
  const empty = analyzeModel(model('E', [4, 4, 1], []));
  assert.deepEqual(empty.nodes, []);
  assert.deepEqual(empty.totals.outputShape, [4, 4, 1]);
  const ir = model('T', [4, 4, 1], [conv2d(2, 1), dropout(0.1)]);
  assert.equal(ir.output, 'dropout_1');
  assert.equal(ir.nodes[0]!.inputs[0], INPUT_ID);
  assert.deepEqual(analyzeModel(ir).nodes.map((n) => n.id), ['conv2d_1', 'dropout_1']);
});

test('a size past 2^53 in a shape is marked approximate, as counts are', () => {
  const a = analyze([1e9, 1e9, 1e9], [flatten(), dense(10)]);
  assert.deepEqual(shapes(a), ['≈1.00e27', '10']);
  assert.equal(formatShape([9007199254740991]), '9007199254740991');
});
