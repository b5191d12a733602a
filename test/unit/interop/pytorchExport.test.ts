import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../../src/analysis/index';
import {
  model, conv2d, depthwiseConv2d, relu, leakyRelu, softmax, block, residual, parallel, flatten, dense, batchNorm,
  maxPool2d, avgPool2d, globalAvgPool, lrn, zeroPad2d, dropout,
} from '../../../src/dsl/index';
import type { ModelIR } from '../../../src/dsl/ir';
import { pytorchModule } from '../../../src/interop/pytorchExport';
import { torchNames } from '../../../src/interop/torchNames';
import { loadModelFile } from '../../../src/loader/index';
import { EXAMPLES_DIR, REPO_ROOT } from '../../support/paths';

// The PyTorch export as text: its structure (a class per group, attributes named by torchNames),
// the forward code for each kind of group and for TensorFlow's 'same' padding, the header, and
// the style (black's line length, four-space indents, only the imports it uses). That the code
// runs, with the right counts, shapes and state_dict, is pytorchExport.torch.test.ts.

function exported(ir: ModelIR, exportName = 'default'): string {
  return pytorchModule({ exportName, model: ir, analysis: analyzeModel(ir) }, { sourceName: 'test.cnn.ts' });
}

/** The module tree the source builds: dotted attribute path → its constructor text. */
function moduleTree(source: string): Map<string, string> {
  const classes = new Map<string, [string, string][]>();
  let current: [string, string][] | null = null;
  for (const line of source.split('\n')) {
    const cls = /^class (\w+)\(nn\.Module\):$/.exec(line);
    if (cls) classes.set(cls[1]!, current = []);
    else if (/^\S/.test(line)) current = null;
    const attr = /^ {8}self\.(\w+) = (.*)$/.exec(line);
    if (attr && current) current.push([attr[1]!, attr[2]!]);
  }
  const root = /^def build_model\(\):\n(?: {4}""".*"""\n)? {4}return (\w+)\(\)$/m.exec(source);
  assert.ok(root, 'build_model returns the model class');
  const out = new Map<string, string>();
  const walk = (cls: string, prefix: string[]) => {
    for (const [name, ctor] of classes.get(cls) ?? assert.fail(`no class ${cls}`)) {
      const p = [...prefix, name];
      out.set(p.join('.'), ctor);
      const child = /^(\w+)\(\)$/.exec(ctor);
      if (child && classes.has(child[1]!)) walk(child[1]!, p);
    }
  };
  walk(root[1]!, []);
  return out;
}

/** What torchNames says the tree is: every group, and every layer that has a module (all but merges). */
function expectedTree(ir: ModelIR): string[] {
  const names = torchNames(ir);
  const groups = [...names.groups.values()].map((p) => p.join('.'));
  const layers = ir.nodes.filter((n) => n.op.type !== 'add' && n.op.type !== 'concat').map((n) => names.nodes.get(n.id)!.join('.'));
  return [...groups, ...layers].sort();
}

function assertStyle(source: string, label: string): void {
  const lines = source.split('\n');
  assert.equal(lines.at(-1), '', `${label}: ends with a newline`);
  for (const [i, line] of lines.entries()) {
    assert.ok(line.length <= 88, `${label}:${i + 1}: ${line.length} characters: ${line}`);
    assert.match(line, /^( {4})*(\S|$)/, `${label}:${i + 1}: indented by fours`);
    assert.doesNotMatch(line, /\s$/, `${label}:${i + 1}: trailing space`);
  }
  assert.doesNotMatch(source, /\n\n\n\n/, `${label}: at most two blank lines`);
  const code = lines.filter((l) => !/^\s*(#|import |from )/.test(l)).join('\n');
  assert.equal(/^import torch$/m.test(source), /\btorch\./.test(code), `${label}: import torch iff torch. is used`);
  assert.equal(/^import torch\.nn\.functional as F$/m.test(source), /\bF\./.test(code), `${label}: F imported iff used`);
  assert.match(source, /^from torch import nn$/m);
}

const COMPOSED = model('Composed net', [8, 8, 3], [
  conv2d(4, 3, { padding: 'same', stride: 2, activation: 'relu' }),
  block('stage', [
    residual([conv2d(4, 3, { padding: 1, bias: false }), batchNorm(), relu(), conv2d(4, 3, { padding: 1, bias: false }), batchNorm()]),
    residual([conv2d(8, 3, { stride: 2, padding: 1 })], { shortcut: [conv2d(8, 1, { stride: 2 })] }),
  ]),
  parallel([[relu()], [], [block('inner', [conv2d(2, 1), leakyRelu(0.2)])]]),
  parallel([[conv2d(4, 1)], [conv2d(4, 1)]], { merge: 'add', name: 'sum' }),
  flatten(), dense(3), softmax(),
]);

test('a class per group and per model, attributes named as torchNames names them', () => {
  const source = exported(COMPOSED);
  const tree = moduleTree(source);
  assert.deepEqual([...tree.keys()].sort(), expectedTree(COMPOSED));
  const classes = [...source.matchAll(/^class (\w+)\(nn\.Module\):$/gm)].map((m) => m[1]);
  assert.deepEqual(classes, ['Residual1', 'Residual2', 'Stage', 'Inner', 'Parallel1', 'Sum', 'ComposedNet']);
  assert.equal(tree.get('stage'), 'Stage()');
  assert.equal(tree.get('stage.residual_1.conv2d_2'), 'nn.Conv2d(4, 4, kernel_size=3, padding=1, bias=False)');
  assert.equal(tree.get('stage.residual_1.batchNorm_1'), 'nn.BatchNorm2d(4)');
  assert.equal(tree.get('parallel_1.inner.leakyRelu_1'), 'nn.LeakyReLU(0.2)');
  assert.equal(tree.get('softmax_1'), 'nn.Softmax(dim=1)');
  assertStyle(source, 'Composed');
});

test('residual and parallel groups are written out as forward code', () => {
  const source = exported(COMPOSED);
  assert.match(source, /^ {8}main = self\.conv2d_2\(x\) {2}# conv 4 · 3×3 · p1 → \[4, 4, 4\]$/m);
  assert.match(source, /^ {8}return main \+ x {2}# add_1 → \[4, 4, 4\]$/m);
  assert.match(source, /^ {8}shortcut = self\.conv2d_5\(x\) {2}# conv 8 · 1×1 · s2 → \[8, 2, 2\]$/m);
  assert.match(source, /^ {8}return main \+ shortcut {2}# add_2 → \[8, 2, 2\]$/m);
  // An identity branch is the group's input itself; branches keep the order they were written in.
  assert.match(source, /^ {8}b1 = self\.relu_2\(x\)/m);
  assert.match(source, /^ {8}b3 = self\.inner\(x\) {2}# → \[2, 2, 2\]$/m);
  assert.match(source, /^ {8}return torch\.cat\(\[b1, x, b3\], dim=1\) {2}# concat_1 → \[18, 2, 2\]$/m);
  assert.match(source, /^ {8}return b1 \+ b2 {2}# sum → \[4, 2, 2\]$/m);
  // A block's forward is a sequence.
  assert.match(source, /def forward\(self, x\):\n {8}x = self\.residual_1\(x\) {2}# → \[4, 4, 4\]\n {8}x = self\.residual_2\(x\) {2}# → \[8, 2, 2\]\n {8}return x\n/);
});

test("'same' padding is TensorFlow's: an explicit F.pad where the total is odd, padding= where it is even", () => {
  const ir = model('Same', [16, 15, 2], [
    conv2d(4, 3, { padding: 'same', stride: 2 }), // 16 → 8: total 1 (the odd one at the bottom); 15 → 8: total 2
    conv2d(4, 3, { padding: 'same' }), // total 2 on both axes: symmetric
    depthwiseConv2d(2, { padding: 'same', multiplier: 2, bias: false }), // total 1 on both axes
    conv2d(4, 3, { padding: 'valid', dilation: 2, groups: 2 }),
  ]);
  const source = exported(ir);
  const tree = moduleTree(source);
  assert.equal(tree.get('conv2d_1'), 'nn.Conv2d(2, 4, kernel_size=3, stride=2)');
  assert.equal(tree.get('conv2d_2'), 'nn.Conv2d(4, 4, kernel_size=3, padding=1)');
  assert.equal(tree.get('depthwiseConv2d_1'), 'nn.Conv2d(4, 8, kernel_size=2, groups=4, bias=False)');
  assert.equal(tree.get('conv2d_3'), 'nn.Conv2d(8, 4, kernel_size=3, dilation=2, groups=2)');
  // F.pad takes (left, right, top, bottom).
  assert.match(source, /^ {8}# TensorFlow's 'same' padding: .*\n {8}x = F\.pad\(x, \(1, 1, 0, 1\)\)\n {8}x = self\.conv2d_1\(x\) {2}# conv 4 · 3×3 · s2 · same → \[4, 8, 8\]$/m);
  assert.match(source, /^ {8}x = F\.pad\(x, \(0, 1, 0, 1\)\)\n {8}x = self\.depthwiseConv2d_1\(x\)/m);
  assert.equal(source.match(/F\.pad/g)!.length, 2);
  assertStyle(source, 'Same');
});

test('pools, LRN, zero padding, fused activations and flat batch norm get PyTorch\'s modules with the DSL\'s settings', () => {
  const ir = model('Misc', [9, 9, 4], [
    zeroPad2d(1), maxPool2d(3, { stride: 2, padding: 1, ceilMode: true }), avgPool2d([2, 3], { stride: 1, padding: 1 }),
    lrn({ size: 3, k: 1.5 }), conv2d(4, 1, { activation: 'leakyRelu' }), dropout(0.25), globalAvgPool(),
    batchNorm({ momentum: 0.99, epsilon: 1e-3 }), lrn(), dense(5, { activation: 'tanh', bias: false }),
  ]);
  const source = exported(ir);
  const tree = moduleTree(source);
  assert.equal(tree.get('zeroPad2d_1'), 'nn.ZeroPad2d(1)');
  assert.equal(tree.get('maxPool2d_1'), 'nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)');
  assert.equal(tree.get('avgPool2d_1'), 'nn.AvgPool2d((2, 3), stride=1, padding=1)');
  assert.equal(tree.get('lrn_1'), 'nn.LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.5)');
  assert.equal(tree.get('dropout_1'), 'nn.Dropout(0.25)');
  assert.equal(tree.get('globalAvgPool_1'), 'nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())');
  // The DSL's momentum is the running average's decay, PyTorch's its complement.
  assert.equal(tree.get('batchNorm_1'), 'nn.BatchNorm1d(4, eps=0.001, momentum=0.01)');
  assert.equal(tree.get('dense_1'), 'nn.Linear(4, 5, bias=False)');
  assert.match(source, /^ {8}x = F\.leaky_relu\(self\.conv2d_1\(x\), 0\.01\) {2}# conv 4 · 1×1 · leakyRelu → \[4, 7, 6\]$/m);
  assert.match(source, /^ {8}x = self\.lrn_2\(x\.unsqueeze\(2\)\)\.squeeze\(2\) {2}# lrn · 5 → \[4\]$/m);
  assert.match(source, /^ {8}x = torch\.tanh\(self\.dense_1\(x\)\) {2}# dense 5 · tanh → \[5\]$/m);
  assertStyle(source, 'Misc');
});

test('the header names the file, the model, its export and its parameter counts; build_model() returns the model', () => {
  const source = exported(COMPOSED, 'composed');
  const analysis = analyzeModel(COMPOSED);
  const header = source.slice(0, source.indexOf('\n\n'));
  assert.match(header, /^# Composed net, as a PyTorch module\.\n# Generated by CNN Explorer from test\.cnn\.ts \(export composed\)\.$/m);
  assert.match(header, new RegExp(`^# Parameters: ${analysis.totals.trainableParams.toLocaleString('en-US')} trainable, 16 non-trainable`, 'm'));
  assert.match(header, /^# Input \[N, 3, 8, 8\] float32 \(NCHW\); output \[N, 3\]\.$/m);
  assert.match(source, /^class ComposedNet\(nn\.Module\):\n {4}"""Composed net: input \[N, 3, 8, 8\], output \[N, 3\]\."""$/m);
  assert.match(source, /\n\n\ndef build_model\(\):\n {4}"""A new Composed net, .*"""\n {4}return ComposedNet\(\)\n$/);
});

test('class names are CapWords, unique, and never a name the file uses', () => {
  const ir = model('3 nets', [4], [
    block('b', [dense(2)]), block('b', [dense(2)]), block('f', [dense(2)]), block('3a', [dense(2)]), block('none', [dense(2)]),
  ]);
  const source = exported(ir);
  const classes = [...source.matchAll(/^class (\w+)\(nn\.Module\):$/gm)].map((m) => m[1]);
  assert.deepEqual(classes, ['B', 'B2', 'F_2', 'Block3a', 'None_2', 'Model3Nets']);
  assert.deepEqual([...moduleTree(source).keys()].sort(), expectedTree(ir));
});

test('a model with an error is not exported', () => {
  const ir = model('Broken', [8, 8, 1], [conv2d(2, 3), dense(2)]);
  assert.throws(() => exported(ir), /cannot export dense_1: its shape is unknown/);
});

test('every example exports, in the style the other tests check', async () => {
  const files = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.cnn.ts')).sort();
  assert.ok(files.length >= 12);
  for (const name of files) {
    const loaded = await loadModelFile(path.join(EXAMPLES_DIR, name));
    for (const m of loaded.models) {
      const source = exported(m.model, m.exportName);
      const label = `${name} (${m.exportName})`;
      assertStyle(source, label);
      assert.deepEqual([...moduleTree(source).keys()].sort(), expectedTree(m.model), label);
      assert.match(source, /^# Generated by CNN Explorer from test\.cnn\.ts/m);
    }
  }
});

test('docs/export.md shows the exports of LeNet-5 and of a ResNet-18 block as they are', async () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'export.md'), 'utf8');
  const source = async (name: string) => {
    const m = (await loadModelFile(path.join(EXAMPLES_DIR, name))).models[0]!;
    return pytorchModule({ exportName: m.exportName, model: m.model, analysis: analyzeModel(m.model) }, { sourceName: name });
  };
  assert.ok(doc.includes('```python\n' + await source('lenet.cnn.ts') + '```\n'), 'the LeNet-5 module in docs/export.md is out of date');
  const block = /^class Residual3\(nn\.Module\):\n[\s\S]*?\n\n\n/m.exec(await source('resnet18.cnn.ts'))![0];
  assert.ok(doc.includes('```python\n' + block.trimEnd() + '\n```\n'), 'the ResNet-18 block in docs/export.md is out of date');
});
