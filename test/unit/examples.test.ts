import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeModel, formatShape } from '../../src/analysis/index';
import type { ModelAnalysis, NodeAnalysis } from '../../src/analysis/types';
import type { ModelIR } from '../../src/dsl/ir';
import { loadModelFile, selectModel } from '../../src/loader/index';
import { EXAMPLES_DIR } from '../support/paths';

// The example files as users open them (real loader, real files), checked against the
// reference figures: the parameter counts PyTorch reports for torchvision's models. MACs were
// derived independently (per-layer arithmetic) and agree with torchvision's published GFLOPS.

const EXAMPLES = EXAMPLES_DIR;

interface Analyzed { ir: ModelIR; a: ModelAnalysis; training: unknown; exports: string[] }
async function load(file: string, exportName?: string): Promise<Analyzed> {
  const loaded = await loadModelFile(path.join(EXAMPLES, file));
  const { model } = selectModel(loaded, exportName);
  return { ir: model, a: analyzeModel(model), training: loaded.training, exports: loaded.models.map((m) => m.exportName) };
}
function at(x: Analyzed, nodePath: string): NodeAnalysis {
  const i = x.ir.nodes.findIndex((n) => n.path === nodePath);
  assert.ok(i >= 0, `no layer ${nodePath}`);
  return x.a.nodes[i]!;
}
const shapeAt = (x: Analyzed, p: string) => formatShape(at(x, p).outputShape);
/** Output shapes of the layers of the given types, in order. */
function shapesOf(x: Analyzed, types: string[]): string[] {
  return x.ir.nodes.flatMap((n, i) => (types.includes(n.op.type) ? [formatShape(x.a.nodes[i]!.outputShape)] : []));
}
/** The output of the last layer whose path starts with `prefix`. */
function endOf(x: Analyzed, prefix: string): string {
  const i = x.ir.nodes.findLastIndex((n) => n.path.startsWith(prefix));
  assert.ok(i >= 0, `no layer under ${prefix}`);
  return formatShape(x.a.nodes[i]!.outputShape);
}
function totals(x: Analyzed) {
  const t = x.a.totals;
  return { trainable: t.trainableParams, nonTrainable: t.nonTrainableParams, macs: t.macs, output: formatShape(t.outputShape) };
}

test('every example loads and analyses without a diagnostic', async () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.cnn.ts')).sort();
  assert.deepEqual(files, [
    'alexnet.cnn.ts', 'finetune-alexnet.cnn.ts', 'finetune-resnet18.cnn.ts', 'googlenet.cnn.ts', 'lenet.cnn.ts', 'mlp-vs-cnn.cnn.ts', 'mobilenetv2.cnn.ts',
    'resnet152.cnn.ts', 'resnet18-cifar.cnn.ts', 'resnet18.cnn.ts', 'resnet34.cnn.ts', 'resnet50.cnn.ts',
    'vgg-cifar10.cnn.ts', 'vgg11.cnn.ts', 'vgg16.cnn.ts',
  ]);
  for (const f of files) {
    const loaded = await loadModelFile(path.join(EXAMPLES, f));
    assert.ok(loaded.models.length > 0, f);
    assert.ok(typeof loaded.training === 'object' && loaded.training !== null, `${f} has a training export`);
    for (const m of loaded.models) assert.deepEqual(analyzeModel(m.model).diagnostics, [], `${f} ${m.exportName}`);
  }
});

test('LeNet-5 (seed 001): 61,706 parameters, 28×28×6 → … → 10', async () => {
  const x = await load('lenet.cnn.ts');
  assert.deepEqual(shapesOf(x, ['conv2d', 'avgPool2d', 'flatten', 'dense']),
    ['28×28×6', '14×14×6', '10×10×16', '5×5×16', '400', '120', '84', '10']);
  assert.deepEqual(totals(x), { trainable: 61706, nonTrainable: 0, macs: 416520, output: '10' });
  assert.deepEqual(x.ir.nodes.filter((n) => n.op.type === 'sigmoid').length, 4);
  assert.deepEqual(x.training, {
    dataset: 'mnist', epochs: 10, batchSize: 16, optimizer: { type: 'adam', lr: 5e-3 }, schedule: { type: 'cosine' },
    normalize: { mean: [0.1307], std: [0.3081] },
  });
});

test('MLP vs CNN (seed 001): 6,442 and 6,422 parameters; the CNN is the default', async () => {
  const cnn = await load('mlp-vs-cnn.cnn.ts');
  assert.deepEqual(cnn.exports, ['cnn', 'mlp'], 'the default export is the cnn, listed once');
  assert.equal(cnn.ir.name, 'CNN');
  assert.deepEqual(shapesOf(cnn, ['conv2d', 'maxPool2d', 'flatten', 'dense']),
    ['24×24×6', '12×12×6', '8×8×6', '4×4×6', '96', '50', '10']);
  assert.equal(totals(cnn).trainable, 6422);
  const mlp = await load('mlp-vs-cnn.cnn.ts', 'mlp');
  assert.deepEqual(shapesOf(mlp, ['flatten', 'dense']), ['784', '8', '8', '10']);
  assert.equal(totals(mlp).trainable, 6442);
  assert.equal((mlp.training as { dataset: string }).dataset, 'mnist');
});

test('AlexNet (torchvision): 61,100,840 parameters; features end 6×6×256 with field 195, jump 32', async () => {
  const x = await load('alexnet.cnn.ts');
  assert.deepEqual(totals(x), { trainable: 61100840, nonTrainable: 0, macs: 714188480, output: '1000' });
  assert.equal(endOf(x, 'features/'), '6×6×256');
  assert.deepEqual(at(x, 'features/maxPool2d_3').receptiveField, { size: [195, 195], jump: [32, 32], start: [31, 31] });
  assert.deepEqual(shapesOf(x, ['conv2d']), ['55×55×64', '27×27×192', '13×13×384', '13×13×256', '13×13×256']);
});

test('VGG-11 and VGG-16 (torchvision): 132,863,336 and 138,357,544; VGG-16 pool5 is 7×7×512, field 212, jump 32', async () => {
  const v11 = await load('vgg11.cnn.ts');
  assert.deepEqual(totals(v11), { trainable: 132863336, nonTrainable: 0, macs: 7609090048, output: '1000' });
  const v16 = await load('vgg16.cnn.ts');
  assert.deepEqual(totals(v16), { trainable: 138357544, nonTrainable: 0, macs: 15470264320, output: '1000' });
  assert.deepEqual(shapesOf(v16, ['maxPool2d']), ['112×112×64', '56×56×128', '28×28×256', '14×14×512', '7×7×512']);
  const pool5 = at(v16, 'features/stage5/pool5');
  assert.deepEqual(pool5.receptiveField, { size: [212, 212], jump: [32, 32], start: [15.5, 15.5] });
  assert.equal(shapeAt(v16, 'features/stage5/pool5'), '7×7×512');
});

test('GoogLeNet (seed 001, 96×96×1): Inception blocks concatenate to 1024 channels; 5,977,530 parameters', async () => {
  const x = await load('googlenet.cnn.ts');
  assert.deepEqual(['b1/', 'b2/', 'b3/', 'b4/', 'b5/'].map((b) => endOf(x, b)), ['24×24×64', '12×12×192', '6×6×480', '3×3×832', '1024']);
  assert.equal(shapeAt(x, 'b3/3a/concat_1'), '12×12×256');
  assert.deepEqual(totals(x), { trainable: 5977530, nonTrainable: 0, macs: 276066304, output: '10' });
  assert.equal(x.ir.nodes.filter((n) => n.op.type === 'concat').length, 9);
});

test('ResNet-18 (torchvision): 11,689,512 parameters, 9,600 BatchNorm buffers, 1,814,073,344 MACs', async () => {
  const x = await load('resnet18.cnn.ts');
  assert.deepEqual(totals(x), { trainable: 11689512, nonTrainable: 9600, macs: 1814073344, output: '1000' });
  assert.deepEqual(
    [shapeAt(x, 'stem/conv2d_1'), endOf(x, 'stem/'), endOf(x, 'layer1/'), endOf(x, 'layer2/'), endOf(x, 'layer3/'), endOf(x, 'layer4/'), shapeAt(x, 'flatten_1'), shapeAt(x, 'fc')],
    ['112×112×64', '56×56×64', '56×56×64', '28×28×128', '14×14×256', '7×7×512', '512', '1000']);
  // Downsampling blocks project the shortcut with a strided 1×1 convolution.
  assert.equal(x.ir.nodes.filter((n) => n.op.type === 'conv2d' && n.op.kernel[0] === 1).length, 3);
});

test('ResNet-34 and ResNet-50 (torchvision): 21,797,672 and 25,557,032 parameters', async () => {
  const r34 = await load('resnet34.cnn.ts');
  assert.deepEqual(totals(r34), { trainable: 21797672, nonTrainable: 17024, macs: 3663761408, output: '1000' });
  const r50 = await load('resnet50.cnn.ts');
  assert.deepEqual(totals(r50), { trainable: 25557032, nonTrainable: 53120, macs: 4089184256, output: '1000' });
  assert.deepEqual(['layer1/', 'layer2/', 'layer3/', 'layer4/'].map((l) => endOf(r50, l)), ['56×56×256', '28×28×512', '14×14×1024', '7×7×2048']);
  const r152 = await load('resnet152.cnn.ts');
  assert.deepEqual(totals(r152), { trainable: 60192808, nonTrainable: 151424, macs: 11513626624, output: '1000' });
});

test('Fine-tuning (seed 002): ResNet-18 and AlexNet from torchvision\'s weights at 32×32, new 10-class heads, frozen for 5 epochs', async () => {
  const r = await load('finetune-resnet18.cnn.ts');
  // torchvision's 11,689,512 less its 1000-class head (513,000) plus a 10-class one (5,130).
  assert.deepEqual({ ...totals(r), macs: 0 }, { trainable: 11181642, nonTrainable: 9600, macs: 0, output: '10' });
  assert.deepEqual([endOf(r, 'stem/'), endOf(r, 'layer4/'), shapeAt(r, 'fc')], ['8×8×64', '1×1×512', '10']);
  assert.deepEqual(r.training, {
    dataset: 'cifar10', epochs: 40, batchSize: 64, initFrom: 'torchvision:resnet18',
    freeze: { layers: 'all-but-last', epochs: 5, lrAfter: 1e-4 },
    optimizer: { type: 'adam', lr: 1e-3, weightDecay: 1e-4 },
    schedule: { type: 'plateau', factor: 0.5, patience: 2 },
    augment: { randomCrop: { padding: 4 }, horizontalFlip: true, colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.1 }, rotation: 15 },
    normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
  });
  const a = await load('finetune-alexnet.cnn.ts');
  assert.deepEqual(shapesOf(a, ['conv2d', 'maxPool2d', 'adaptiveAvgPool2d']),
    ['32×32×64', '16×16×64', '16×16×192', '7×7×192', '7×7×384', '7×7×256', '7×7×256', '3×3×256', '6×6×256']);
  // torchvision's 61,100,840 with a 3×3 first layer (1,792 for 23,296) and a 10-class head (40,970 for 4,097,000).
  assert.equal(totals(a).trainable, 57023306);
  assert.deepEqual((a.training as { freeze: unknown }).freeze, { layers: ['features'], epochs: 5, lrAfter: 1e-4 });
});

test('VGG for CIFAR-10 (seed 000): 32 → 1×1×512 → 10, batch 128, 10 epochs', async () => {
  const x = await load('vgg-cifar10.cnn.ts');
  assert.deepEqual(shapesOf(x, ['maxPool2d']), ['16×16×64', '8×8×128', '4×4×256', '2×2×512', '1×1×512']);
  // 9,220,480 in the convolutions, 5,504 BatchNorm scales and shifts (and as many running statistics), 5,130 in the head.
  assert.deepEqual({ ...totals(x), macs: 0 }, { trainable: 9231114, nonTrainable: 5504, macs: 0, output: '10' });
  assert.deepEqual([(x.training as { batchSize: number }).batchSize, (x.training as { epochs: number }).epochs], [128, 10]);
});

test('ResNet-18 for CIFAR (seed 003): 11,173,962 parameters, 32 → 32 → 16 → 8 → 4, and its training recipe', async () => {
  const x = await load('resnet18-cifar.cnn.ts');
  assert.deepEqual(totals(x), { trainable: 11173962, nonTrainable: 9600, macs: 555422720, output: '10' });
  assert.deepEqual(
    [endOf(x, 'stem/'), endOf(x, 'layer1/'), endOf(x, 'layer2/'), endOf(x, 'layer3/'), endOf(x, 'layer4/'), shapeAt(x, 'flatten_1'), shapeAt(x, 'fc')],
    ['32×32×64', '32×32×64', '16×16×128', '8×8×256', '4×4×512', '512', '10']);
  assert.equal(x.ir.nodes.some((n) => n.op.type === 'maxPool2d'), false);
  assert.deepEqual(x.training, {
    dataset: 'cifar10',
    epochs: 100,
    batchSize: 128,
    optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 5e-4 },
    schedule: { type: 'multistep', milestones: [50, 75], gamma: 0.1 },
    augment: { randomCrop: { padding: 4 }, horizontalFlip: true },
    normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
  });
});

test('MobileNetV2 (torchvision): 3,504,872 parameters, 300,774,272 MACs, 10 residual blocks', async () => {
  const x = await load('mobilenetv2.cnn.ts');
  assert.deepEqual(totals(x), { trainable: 3504872, nonTrainable: 34112, macs: 300774272, output: '1000' });
  assert.equal(x.ir.nodes.filter((n) => n.op.type === 'add').length, 10);
  assert.equal(endOf(x, 'head/'), '7×7×1280');
});
