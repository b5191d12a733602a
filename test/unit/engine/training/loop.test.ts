import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadDataset, pixelPermutation } from '../../../../src/engine/data/index';
import { buildTfGraph } from '../../../../src/engine/model/index';
import { loadCheckpoint } from '../../../../src/engine/training/checkpoints';
import { readWeightsFile } from '../../../../src/weights/files';
import { resolveTraining } from '../../../../src/engine/training/config';
import { batchTensor, prepareData, type PreparedData } from '../../../../src/engine/training/data';
import { copyInitWeights } from '../../../../src/engine/training/initFrom';
import { trainLoop, type LoopResult } from '../../../../src/engine/training/loop';
import { crossEntropy, outputKind } from '../../../../src/engine/training/loss';
import { LrSchedule } from '../../../../src/engine/training/schedule';
import { TrainOptimizer } from '../../../../src/engine/training/optimizers';
import type { EpochRecord, IterationRecord } from '../../../../src/runs/types';
import { loadModelFile, selectModel } from '../../../../src/loader/index';
import { errorCode } from '../../../../src/engine/trainer/errors';

// Each training feature, observed through what it must change: on the synthetic dataset, tiny
// models and the pure-JS cpu backend, so the whole file stays within seconds.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-train-'));
tf.env().set('IS_TEST', true);
test.before(async () => { await tf.setBackend('cpu'); });

const MODELS = `import { model, conv2d, maxPool2d, relu, flatten, dense, dropout, softmax, logSoftmax, block } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [block('features', [conv2d(4, 5, { stride: 2 }), relu(), maxPool2d(2)]), flatten(), dropout(0.2), dense(10, { name: 'head' })]);
export const otherHead = model('Tiny', [28, 28, 1], [block('features', [conv2d(4, 5, { stride: 2 }), relu(), maxPool2d(2)]), flatten(), dense(16), relu(), dense(10)]);
export const probs = model('P', [28, 28, 1], [flatten(), dense(10), softmax()]);
export const logProbs = model('L', [28, 28, 1], [flatten(), dense(10, { activation: 'logSoftmax' })]);
`;
const modelFile = path.join(dir, 'tiny.cnn.ts');
fs.writeFileSync(modelFile, MODELS);

interface Trained { result: LoopResult; epochs: EpochRecord[]; iterations: IterationRecord[]; checkpoints: string; weights: Map<string, Float32Array> }

async function train(training: Record<string, unknown>, opts: { exportName?: string; initFrom?: string; stopAfter?: number; limitTrain?: number } = {}): Promise<Trained> {
  const loaded = await loadModelFile(modelFile);
  const ir = selectModel(loaded, opts.exportName).model;
  const { config } = resolveTraining({ training: { dataset: 'synthetic', batchSize: 50, epochs: 1, optimizer: { type: 'adam', lr: 0.01 }, ...training }, file: modelFile, text: '' });
  const ds = await loadDataset('synthetic', { limitTrain: opts.limitTrain ?? 300, limitTest: 100 });
  const data = prepareData(ds, config);
  const g = buildTfGraph(ir, { seed: config.seed });
  if (opts.initFrom) await copyInitWeights(g.model, ir, { kind: 'file', file: path.join(opts.initFrom, 'best', 'weights.safetensors') });
  const checkpoints = fs.mkdtempSync(path.join(dir, 'ck-'));
  const epochs: EpochRecord[] = [];
  const iterations: IterationRecord[] = [];
  const result = await trainLoop({
    model: g.model, ir, names: g.names, config, data, checkpointsDir: checkpoints,
    hooks: {
      shouldStop: () => opts.stopAfter !== undefined && iterations.length >= opts.stopAfter,
      onEpoch: (e) => epochs.push(e), onIteration: (i) => iterations.push(i),
    },
  });
  const weights = new Map(g.model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
  g.model.dispose();
  return { result, epochs, iterations, checkpoints, weights };
}

test('the same seed gives the same losses; another seed does not', async () => {
  const a = await train({ seed: 7 });
  const b = await train({ seed: 7 });
  const c = await train({ seed: 8 });
  assert.deepEqual(a.iterations.map((i) => i.loss), b.iterations.map((i) => i.loss));
  assert.deepEqual(a.epochs[0]!.test, b.epochs[0]!.test);
  assert.notDeepEqual(a.iterations.map((i) => i.loss), c.iterations.map((i) => i.loss));
});

test('records: per-iteration loss, per-epoch metrics, confusion matrix over the whole test set', async () => {
  const t = await train({ epochs: 2, validationSplit: 0.2 });
  assert.equal(t.iterations.length, 2 * Math.ceil(240 / 50));
  assert.deepEqual(t.iterations.slice(0, 5).map((i) => [i.epoch, i.step, i.steps]), [[1, 1, 5], [1, 2, 5], [1, 3, 5], [1, 4, 5], [1, 5, 5]]);
  assert.ok(t.iterations[t.iterations.length - 1]!.loss < t.iterations[0]!.loss, 'the loss goes down');
  const e = t.epochs[1]!;
  assert.equal(e.epoch, 2);
  assert.ok(e.val && e.val.accuracy >= 0 && e.val.accuracy <= 1);
  assert.equal(e.confusionMatrix.length, 10);
  assert.equal(e.confusionMatrix.flat().reduce((a, b) => a + b, 0), 100);
  const correct = e.confusionMatrix.reduce((n, row, i) => n + row[i]!, 0);
  assert.equal(e.test.accuracy, correct / 100);
  e.perClassAccuracy.forEach((acc, k) => assert.equal(acc, e.confusionMatrix[k]![k]! / e.confusionMatrix[k]!.reduce((a, b) => a + b, 0)));
  assert.equal(t.result.monitor, 'val_accuracy');
  assert.equal(t.result.status, 'completed');
});

test('per-step accuracy is the share of its batch the model classifies right; the probe is told each step\'s work', async () => {
  // A learning rate too small to move a weight: every step sees the same model, whose accuracy
  // over the training images is known independently.
  const loaded = await loadModelFile(modelFile);
  const ir = selectModel(loaded, 'otherHead').model;
  const { config } = resolveTraining({ training: { dataset: 'synthetic', batchSize: 50, epochs: 1, optimizer: { type: 'sgd', lr: 1e-30 } }, file: modelFile, text: '' });
  const data = prepareData(await loadDataset('synthetic', { limitTrain: 300, limitTest: 100 }), config);
  const g = buildTfGraph(ir, { seed: config.seed });
  const iterations: IterationRecord[] = [];
  const spent = new Map<string, number>();
  await trainLoop({
    model: g.model, ir, names: g.names, config, data, checkpointsDir: fs.mkdtempSync(path.join(dir, 'ck-')),
    hooks: { shouldStop: () => false, onIteration: (i) => iterations.push(i) },
    probe: { spent: (item) => { spent.set(item, (spent.get(item) ?? 0) + 1); } },
  });
  const predicted = tf.tidy(() => tf.argMax(g.model.predict(batchTensor(data.train.images, data.train.count, data, ir.inputShape)) as tf.Tensor, -1).dataSync());
  g.model.dispose();
  const correct = data.train.labels.filter((label, i) => predicted[i] === label).length;
  assert.ok(correct > 0 && correct < 300, `an untrained model gets some right, not all (${correct})`);
  assert.equal(iterations.length, 6);
  assert.equal(Math.round(iterations.reduce((n, i) => n + i.accuracy * 50, 0)), correct);
  assert.equal(spent.get('step'), 6, 'one step lap per step');
  for (const item of ['batch', 'upload', 'read', 'record', 'yield', 'evaluate', 'checkpoint', 'epochRecord']) assert.ok(spent.get(item), `no ${item} lap`);
});

test('learning rate schedules give PyTorch\'s values per epoch', async () => {
  const lrs = (schedule: unknown, epochs: number, base = 0.1) => {
    const { config } = resolveTraining({ training: { epochs, schedule }, file: 'f', text: '' });
    const s = new LrSchedule(config.schedule, epochs);
    return Array.from({ length: epochs }, (_, e) => Number(s.lrAt(e, base).toPrecision(6)));
  };
  assert.deepEqual(lrs({ type: 'step', stepSize: 2, gamma: 0.5 }, 5), [0.1, 0.1, 0.05, 0.05, 0.025]);
  assert.deepEqual(lrs({ type: 'multistep', milestones: [1, 3], gamma: 0.1 }, 4), [0.1, 0.01, 0.01, 0.001]);
  assert.deepEqual(lrs({ type: 'cosine' }, 4), [0.1, 0.0853553, 0.05, 0.0146447]);
  assert.deepEqual(lrs({ type: 'cosine', warmupEpochs: 2 }, 4), [0.05, 0.1, 0.1, 0.05]);
  const { config } = resolveTraining({ training: { schedule: { type: 'plateau', factor: 0.5, patience: 1 } }, file: 'f', text: '' });
  const p = new LrSchedule(config.schedule, 10);
  const seen = [1.0, 0.9, 0.95, 0.91, 0.89, 0.9, 0.9].map((loss) => { p.observe(loss); return p.lrAt(0, 0.1); });
  assert.deepEqual(seen, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
  // and the loop trains each epoch at its rate
  const t = await train({ epochs: 3, schedule: { type: 'step', stepSize: 1, gamma: 0.1 }, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } }, { limitTrain: 100 });
  assert.deepEqual(t.epochs.map((e) => Number(e.lr.toPrecision(6))), [0.1, 0.01, 0.001]);
  assert.deepEqual([...new Set(t.iterations.map((i) => Number(i.lr.toPrecision(6))))], [0.1, 0.01, 0.001]);
});

test('early stopping ends the run after `patience` epochs without improvement', async () => {
  // lr 0: nothing improves after the first epoch, so patience 1 stops after epoch 3 of 6.
  const t = await train({ epochs: 6, earlyStopping: { patience: 1, monitor: 'val_loss' }, validationSplit: 0.2, optimizer: { type: 'sgd', lr: 1e-12 } }, { limitTrain: 100 });
  assert.equal(t.epochs.length, 3);
  assert.equal(t.result.status, 'completed');
  assert.match(t.result.endedEarly ?? '', /^early stopping: no better val_loss for 2 epochs/);
  assert.equal(t.result.best!.epoch, 1);
});

test('freeze keeps the frozen layers\' weights unchanged for its epochs, then trains them', async () => {
  const frozen = await train({ epochs: 1, freeze: { layers: ['features'], epochs: 1 } }, { limitTrain: 100 });
  const fresh = await train({ epochs: 0 + 1, optimizer: { type: 'sgd', lr: 1e-30 } }, { limitTrain: 50 });
  // Same seed, same initial weights: after a frozen epoch the conv equals its initialisation.
  assert.deepEqual(frozen.weights.get('features/conv2d_1/kernel'), fresh.weights.get('features/conv2d_1/kernel'));
  assert.notDeepEqual(frozen.weights.get('head/kernel'), fresh.weights.get('head/kernel'));
  assert.deepEqual(frozen.epochs[0]!.frozen, ['features/conv2d_1', 'features/relu_1', 'features/maxPool2d_1']);
  const thawed = await train({ epochs: 2, freeze: { layers: 'all-but-last', epochs: 1, lrAfter: 0.001 } }, { limitTrain: 100 });
  assert.notDeepEqual(thawed.weights.get('features/conv2d_1/kernel'), fresh.weights.get('features/conv2d_1/kernel'));
  assert.deepEqual(thawed.epochs.map((e) => [e.lr, e.frozen.length]), [[0.01, 1], [0.001, 0]]);
});

test('permutePixels moves every image\'s pixels the same way, in training and test data alike', async () => {
  const ds = await loadDataset('synthetic', { limitTrain: 20, limitTest: 20 });
  const { config } = resolveTraining({ training: { dataset: 'synthetic', permutePixels: 5 }, file: 'f', text: '' });
  const data = prepareData(ds, config);
  const order = pixelPermutation([28, 28, 1], 5);
  for (const [before, after] of [[ds.train, data.train], [ds.test, data.test]] as const) {
    for (let n = 0; n < 20; n += 7) {
      for (let p = 0; p < 784; p += 37) assert.equal(after.images[n * 784 + p], before.images[n * 784 + order[p]!]);
    }
    assert.notDeepEqual(after.images.slice(0, 784), before.images.slice(0, 784));
  }
});

test('best and last checkpoints reload as the trained model; initFrom copies what matches', async () => {
  const src = await train({ epochs: 2, seed: 1 }, { limitTrain: 100 });
  const loaded = await loadModelFile(modelFile);
  const best = await loadCheckpoint(path.join(src.checkpoints, 'best'), selectModel(loaded).model);
  assert.equal(best.layers.find((l) => l.name === 'head')!.getClassName(), 'CnnDense');
  best.dispose();
  const last = await loadCheckpoint(path.join(src.checkpoints, 'last'), selectModel(loaded).model);
  assert.deepEqual(last.getLayer('head').weights[0]!.read().dataSync(), src.weights.get('head/kernel'));
  last.dispose();
  const saved = readWeightsFile(path.join(src.checkpoints, 'best', 'weights.safetensors'));
  // Same backbone, new head shape: the conv is copied, the head keeps its own initialisation.
  const otherHead = selectModel(loaded, 'otherHead').model;
  const g = buildTfGraph(otherHead, { seed: 99 });
  const report = await copyInitWeights(g.model, otherHead, { kind: 'file', file: path.join(src.checkpoints, 'best', 'weights.safetensors') });
  assert.deepEqual(report.copied, ['features.conv2d_1.weight', 'features.conv2d_1.bias']);
  assert.equal(report.skipped.length, 4);
  const bias = g.model.weights.find((w) => w.originalName === 'features/conv2d_1/bias')!.read().dataSync();
  assert.deepEqual(bias, saved.get('features.conv2d_1.bias')!.data);
  g.model.dispose();
});

test('a stop request ends the loop after the current batch, with checkpoints/last saved', async () => {
  const t = await train({ epochs: 3 }, { stopAfter: 2 });
  assert.equal(t.result.status, 'stopped');
  assert.equal(t.iterations.length, 2);
  assert.equal(t.epochs.length, 0);
  assert.ok(fs.existsSync(path.join(t.checkpoints, 'last', 'weights.safetensors')));
});

test('training leaves no tensors behind, stopped mid-epoch (with the next batch already prepared) or completed', async () => {
  for (const opts of [{ stopAfter: 2 }, {}]) {
    const before = tf.memory().numTensors;
    await train({ epochs: 1 }, opts);
    assert.equal(tf.memory().numTensors, before, `tensors left after ${opts.stopAfter ? 'a stop' : 'a completed run'}`);
  }
});

test('the loss reads the output as logits, probabilities or log-probabilities (no double softmax)', async () => {
  const loaded = await loadModelFile(modelFile);
  assert.equal(outputKind(selectModel(loaded).model), 'logits');
  assert.equal(outputKind(selectModel(loaded, 'probs').model), 'probabilities');
  assert.equal(outputKind(selectModel(loaded, 'logProbs').model), 'logProbabilities');
  const logits = tf.tensor2d([[2, 0, -1]]);
  const labels = tf.tensor1d([0], 'int32');
  const expected = -Math.log(Math.exp(2) / (Math.exp(2) + 1 + Math.exp(-1)));
  for (const [out, kind] of [[logits, 'logits'], [tf.softmax(logits), 'probabilities'], [tf.logSoftmax(logits), 'logProbabilities']] as const) {
    assert.ok(Math.abs(crossEntropy(out, labels, 3, kind).dataSync()[0]! - expected) < 1e-5, kind);
  }
  // Its gradient, over a batch of two: (softmax − one-hot)/n from logits; −one-hot/n from log-probabilities.
  const batch = tf.tensor2d([[2, 0, -1], [0.5, 1, 3]]);
  const two = tf.tensor1d([0, 2], 'int32');
  const softmax = tf.softmax(batch).arraySync();
  const wantFromLogits = softmax.map((row, i) => row.map((p, j) => (p - (j === [0, 2][i] ? 1 : 0)) / 2));
  const close = (got: number[][], want: number[][], what: string) =>
    got.flat().forEach((v, i) => assert.ok(Math.abs(v - want.flat()[i]!) < 1e-6, `${what}: element ${i}: ${v} vs ${want.flat()[i]}`));
  close(tf.grad((l: tf.Tensor) => crossEntropy(l, two, 3, 'logits'))(batch).arraySync() as number[][], wantFromLogits, 'from logits');
  close(tf.grad((l: tf.Tensor) => crossEntropy(l, two, 3, 'logProbabilities'))(tf.logSoftmax(batch)).arraySync() as number[][],
    [[-0.5, 0, 0], [0, 0, -0.5]], 'from log-probabilities');
});

test('weight decay: SGD adds wd·w to the gradient; AdamW shrinks weights by lr·wd before its step', () => {
  const step = (spec: ConstructorParameters<typeof TrainOptimizer>[0]) => {
    const v = tf.variable(tf.tensor1d([1, -2]), true, `w${Math.random()}`);
    const opt = new TrainOptimizer(spec);
    opt.step([v], { [v.name]: tf.tensor1d([0, 0]) });
    return Array.from(v.dataSync()).map((x) => Number(x.toPrecision(6)));
  };
  assert.deepEqual(step({ type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0.5 }), [0.95, -1.9]);
  assert.deepEqual(step({ type: 'adamw', lr: 0.1, weightDecay: 0.5 }), [0.95, -1.9]);
  assert.deepEqual(step({ type: 'adam', lr: 0.1, weightDecay: 0 }), [1, -2]);
});

test('batchTensor: (x − mean) / std per channel, shaped as the model\'s input, image or flat', () => {
  // Two 1×2 images with 2 channels (NHWC): channel 0 normalized by (0.5, 0.25), channel 1 by (0, 2).
  const images = Float32Array.from([0.5, 1, 0.75, 0, 1, 0.5, 0, 4]);
  const data: PreparedData = {
    classNames: ['a', 'b'], imageShape: [1, 2, 2], train: { images, labels: new Int32Array(2), count: 2 }, validation: null,
    test: { images, labels: new Int32Array(2), count: 2 }, mean: [0.5, 0], std: [0.25, 2],
  };
  const expected = [0, 0.5, 1, 0, 2, 0.25, -2, 2];
  const image = batchTensor(images, 2, data, [1, 2, 2]);
  assert.deepEqual(image.shape, [2, 1, 2, 2]);
  assert.deepEqual([...image.dataSync()], expected);
  const flat = batchTensor(images, 2, data, [4]);
  assert.deepEqual(flat.shape, [2, 4]);
  assert.deepEqual([...flat.dataSync()], expected);
  const raw = batchTensor(images, 2, { ...data, mean: null, std: null }, [1, 2, 2]);
  assert.deepEqual([...raw.dataSync()], [...images]);
  tf.dispose([image, flat, raw]);
});

test('a diverging loss ends the run with what to change, as the training block\'s error (config-invalid)', async () => {
  const err = await train({ optimizer: { type: 'sgd', lr: 1e30 } }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof Error, 'the run did not fail');
  assert.match(err.message, /the loss became (NaN|-?Infinity) at epoch 1, step \d+: lower the learning rate \(optimizer\.lr is 1e\+30\)/);
  assert.equal(errorCode(err), 'config-invalid');
});
