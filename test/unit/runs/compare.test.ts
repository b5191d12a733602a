import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { describeOp } from '../../../src/analysis/describe';
import { analyzeModel } from '../../../src/analysis/index';
import type { EpochRecord } from '../../../src/runs/types';
import { loadModelFile } from '../../../src/loader/index';
import { diffArchitectures, diffLayers } from '../../../src/runs/archDiff';
import { compareRuns, comparisonContract } from '../../../src/runs/compare';
import { diffConfigs, flatten } from '../../../src/runs/configDiff';
import { loadRuns } from '../../../src/runs/lookup';
import { metaPath, parseTags, readMeta, updateMeta } from '../../../src/runs/meta';
import { loadRunModels } from '../../../src/runs/runModels';
import { readMetrics, readRun, updateRun } from '../../../src/runs/store';
import { CLASSES, MLP_VS_CNN, writeFixtureRun, writeSeedFixtures } from '../../support/runFixtures';

// compareRuns on run folders written with the run store's writers: the config diff names what
// differs and nothing else, per-class deltas are each run's own numbers minus the first's, the
// architecture diff of the seed's MLP and CNN, and meta.json.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-compare-'));
const runsDir = path.join(root, 'runs');
let seed: Awaited<ReturnType<typeof writeSeedFixtures>>;

before(async () => {
  seed = await writeSeedFixtures(runsDir);
});

function epochsOnDisk(dir: string, id: string): EpochRecord[] {
  return readMetrics(path.join(dir, id)).filter((m): m is EpochRecord => m.type === 'epoch');
}

test('seed 001: the config diff names exactly the model and permutePixels', () => {
  const runs = loadRuns(runsDir, [seed.mlp, seed.cnn, seed.mlpPerm, seed.cnnPerm]);
  const c = compareRuns(runs);
  assert.deepEqual(c.configDiff, {
    'model.name': ['MLP', 'CNN', 'MLP', 'CNN'],
    'model.export': ['mlp', 'cnn', 'mlp', 'cnn'],
    permutePixels: [null, null, 42, 42],
  });
  // What is the same is kept for the collapsible part, with --set style keys.
  assert.equal(c.configSame['optimizer.type'], 'sgd');
  assert.equal(c.configSame['optimizer.lr'], 0.01);
  assert.equal(c.configSame['optimizer.momentum'], 0.5);
  assert.equal(c.configSame.dataset, 'mnist');
  assert.equal(c.configSame.backend, 'wasm');
  assert.equal(c.configSame['model.file'], MLP_VS_CNN);
  assert.equal(c.configSame['data.testCount'], 1000);
  for (const key of Object.keys(c.configDiff)) assert.ok(!(key in c.configSame), key);
});

test('seed 001: per-class accuracy is each run\'s own best epoch, and deltas are against the first run', () => {
  const ids = [seed.mlp, seed.cnn, seed.mlpPerm, seed.cnnPerm];
  const c = compareRuns(loadRuns(runsDir, ids));
  assert.deepEqual(c.perClassAccuracy.classNames, CLASSES);
  ids.forEach((id, k) => {
    const own = readRun(path.join(runsDir, id))!.best!.perClassAccuracy;
    assert.deepEqual(c.perClassAccuracy.runs[k], own, `run #${k + 1} shows its own numbers`);
    const first = readRun(path.join(runsDir, ids[0]!))!.best!.perClassAccuracy;
    c.perClassDelta[k]!.forEach((d, cls) => assert.ok(Math.abs(d - (own[cls]! - first[cls]!)) < 1e-12));
  });
  assert.ok(c.perClassDelta[0]!.every((d) => d === 0));
  // The CNN drops on permuted pixels in these fixtures: every class is below the MLP's.
  assert.ok(c.perClassDelta[3]!.every((d) => d < 0));
});

test('best and final metrics: the best epoch is the one the trainer kept, not the last', async () => {
  const dir = path.join(root, 'best-final');
  const drop = CLASSES.map(() => 90);
  const worse = CLASSES.map(() => 80);
  const a = await writeFixtureRun(dir, { exportName: 'cnn', permutePixels: null, correct: [drop, worse], at: new Date(2026, 1, 1) });
  const b = await writeFixtureRun(dir, { exportName: 'cnn', permutePixels: null, correct: [worse, drop, drop.map((v) => v + 5)], at: new Date(2026, 1, 2) });
  const c = compareRuns(loadRuns(dir, [a, b]));
  assert.deepEqual(c.metrics.epoch, { best: [1, 3], final: [2, 3] });
  assert.deepEqual(c.metrics.test_accuracy, { best: [0.9, 0.95], final: [0.8, 0.95] });
  assert.deepEqual(c.metrics.val_accuracy, { best: [null, null], final: [null, null] });
  assert.deepEqual(c.perClassAccuracy.runs[0], drop.map((v) => v / 100), 'per-class of the best epoch');
  // What differs: the number of epochs only (same model, same file).
  assert.deepEqual(Object.keys(c.configDiff), ['epochs']);
  assert.deepEqual(c.configDiff.epochs, [2, 3]);
});

test('curves: one series per run for every epoch metric; per-step curves at fractional epochs', async () => {
  const dir = path.join(root, 'curves');
  const a = await writeFixtureRun(dir, { exportName: 'mlp', permutePixels: null, correct: [CLASSES.map(() => 50), CLASSES.map(() => 60)], at: new Date(2026, 2, 1), iterations: true });
  const b = await writeFixtureRun(dir, { exportName: 'cnn', permutePixels: null, correct: [CLASSES.map(() => 70)], at: new Date(2026, 2, 2), iterations: true });
  const withSteps = compareRuns(loadRuns(dir, [a, b], { iterations: true }));
  assert.deepEqual(withSteps.curves.test_accuracy, [[[1, 0.5], [2, 0.6]], [[1, 0.7]]]);
  assert.deepEqual(withSteps.curves.train_loss, [[[1, 1], [2, 0.5]], [[1, 1]]]);
  assert.equal(withSteps.curves.val_loss, undefined, 'no run has validation: no curve');
  assert.deepEqual(withSteps.curves.batch_loss![0]!.map((p) => p[0]), [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
  assert.deepEqual(withSteps.curves.batch_loss![1]!.map((p) => p[1]), [2, 1, 2 / 3, 0.5]);
  const epochOnly = compareRuns(loadRuns(dir, [a, b]));
  assert.equal(epochOnly.curves.batch_loss, undefined);
});

test('confusion-matrix difference: row rates of each run minus the first run\'s', () => {
  const c = compareRuns(loadRuns(runsDir, [seed.mlp, seed.cnnPerm]));
  const [m0, m1] = c.confusion.matrices;
  assert.equal(c.confusion.deltaRates[0], null);
  const d = c.confusion.deltaRates[1]!;
  for (let t = 0; t < 10; t++) {
    const r0 = m0![t]!.reduce((s, v) => s + v, 0);
    const r1 = m1![t]!.reduce((s, v) => s + v, 0);
    for (let p = 0; p < 10; p++) assert.ok(Math.abs(d[t]![p]! - (m1![t]![p]! / r1 - m0![t]![p]! / r0)) < 1e-12);
    // The diagonal's change is the per-class accuracy's change.
    assert.ok(Math.abs(d[t]![t]! - c.perClassDelta[1]![t]!) < 1e-12);
    // Each row's changes sum to zero (rates of one true class).
    assert.ok(Math.abs(d[t]!.reduce((s, v) => s + v, 0)) < 1e-12);
  }
});

test('architecture diff of the seed\'s MLP and CNN: params, MACs, and the layers that changed', async () => {
  const runs = loadRuns(runsDir, [seed.mlp, seed.cnn, seed.mlpPerm, seed.cnnPerm]);
  const a = compareRuns(runs, await loadRunModels(runs.map((r) => r.record))).architectureDiff!;
  assert.deepEqual(a.runModel, [0, 1, 0, 1]);
  assert.deepEqual(a.models.map((m) => [m.name, m.runs, m.trainableParams, m.macs, m.layers]), [
    ['MLP', [0, 2], 6442, 6416, 7],
    ['CNN', [1, 3], 6422, 149300, 11],
  ]);
  assert.equal(a.pairs.length, 1);
  assert.deepEqual(a.pairs[0]!.changes.map((c) => c.text), [
    '+ conv2d_1 (conv 6 · 5×5)',
    'relu_1: output 8 → 24×24×6',
    '+ maxPool2d_1 (maxpool · 2×2)',
    '+ conv2d_2 (conv 6 · 5×5)',
    'relu_2: output 8 → 8×8×6',
    '− dense_3 (dense 10)',
    '+ maxPool2d_2 (maxpool · 2×2)',
    'flatten_1: output 784 → 96',
    'dense_1: units 8 → 50, params 6,280 → 4,850',
    '+ relu_3 (relu)',
    'dense_2: units 8 → 10, params 72 → 510',
  ]);
  assert.deepEqual(a.pairs[0]!.trainableParams, [6442, 6422]);
});

test('architecture diff: the same network is one model; a renamed layer is matched by type and position', async () => {
  const file = path.join(root, 'arch.cnn.ts');
  fs.writeFileSync(file, `import { model, conv2d, relu, maxPool2d, flatten, dense, dropout } from 'cnn-explorer';
export const a = model('A', [28, 28, 1], [conv2d(8, 3), relu(), maxPool2d(2), flatten(), dense(10)]);
export const b = model('B', [28, 28, 1], [conv2d(16, 3, { stride: 2, name: 'stem' }), relu(), maxPool2d(2), flatten(), dropout(0.5), dense(10)]);
`);
  const loaded = await loadModelFile(file);
  const m = (n: string) => { const model = loaded.models.find((x) => x.exportName === n)!.model; return { exportName: n, model, analysis: analyzeModel(model) }; };
  assert.deepEqual(diffArchitectures([m('a'), m('a')]).pairs, []);
  const texts = diffLayers(m('a'), m('b')).map((c) => c.text);
  assert.deepEqual(texts, [
    'conv2d_1 → stem: filters 8 → 16, stride 1×1 → 2×2, params 80 → 160',
    'relu_1: output 26×26×8 → 13×13×16',
    'maxPool2d_1: output 13×13×8 → 6×6×16',
    'flatten_1: output 1352 → 576',
    '+ dropout_1 (dropout · 0.5)',
    'dense_1: params 13,530 → 5,770',
  ]);
  assert.equal(describeOp(m('b').model.nodes[0]!.op), 'conv 16 · 3×3 · s2');
  const unavailable = diffArchitectures([m('a'), { error: 'cannot rebuild' }, null]);
  assert.deepEqual(unavailable.runModel, [0, null, null]);
  assert.deepEqual(unavailable.unavailable, [null, 'cannot rebuild', 'the model was not loaded']);
});

test('config flattening: nested keys by --set path; a key one run lacks reads null', () => {
  assert.deepEqual(flatten({ a: { b: 1, c: [1, 2] }, d: null, e: {} }), { 'a.b': 1, 'a.c': [1, 2], d: null, e: {} });
  const base = readRun(path.join(runsDir, seed.mlp))!;
  const other = structuredClone(base);
  other.config.optimizer = { type: 'adam', lr: 0.001, weightDecay: 0 };
  other.config.schedule = { type: 'step', stepSize: 2, gamma: 0.5 };
  const d = diffConfigs([base, other]);
  assert.deepEqual(d.differ, {
    'optimizer.type': ['sgd', 'adam'],
    'optimizer.lr': [0.01, 0.001],
    'optimizer.momentum': [0.5, null],
    'optimizer.nesterov': [false, null],
    'schedule.type': [null, 'step'],
    'schedule.stepSize': [null, 2],
    'schedule.gamma': [null, 0.5],
  });
  assert.ok(!('schedule' in d.same), 'no "schedule: null" placeholder beside its keys');
  assert.equal(d.same['optimizer.weightDecay'], 0);
});

test('DDP runs in the config diff: world size, devices, per-rank batch and sync BatchNorm; a run on one process is world size 1 on its device', () => {
  const plain = readRun(path.join(runsDir, seed.mlp))!;
  const ddp = (devices: string[], syncBatchNorm: boolean) => {
    const r = structuredClone(plain);
    r.backend = { name: 'torch', reason: 'requested' };
    r.distributed = {
      worldSize: devices.length, nnodes: 1, nprocPerNode: devices.length, backend: devices[0] === 'cpu' ? 'gloo' : 'nccl',
      perRankBatch: Math.ceil(plain.config.batchSize / devices.length), syncBatchNorm,
      ranks: devices.map((device, rank) => ({ rank, host: 'node0', pid: 100 + rank, device })),
    };
    return r;
  };
  const h100 = 'NVIDIA H100 80GB HBM3';
  const onGpu = structuredClone(plain);
  onGpu.backend = { name: 'torch', reason: 'requested', detail: `cuda: ${h100}, torch 2.4.0` };
  const records = [plain, ddp(['cpu', 'cpu'], false), ddp([0, 1, 2, 3].map((k) => `cuda:${k} (${h100})`), true), onGpu];
  const bs = plain.config.batchSize;
  assert.deepEqual(diffConfigs(records).differ, {
    backend: ['wasm', 'torch', 'torch', 'torch'],
    worldSize: [1, 2, 4, 1],
    devices: ['cpu', 'cpu ×2', `cuda ×4 (${h100})`, `cuda (${h100})`],
    perRankBatch: [null, Math.ceil(bs / 2), Math.ceil(bs / 4), null],
    syncBatchNorm: [null, false, true, null],
  });
  // Runs on one process alike: nothing about DDP differs, and nothing DDP-only is listed.
  const same = diffConfigs([plain, structuredClone(plain)]);
  assert.equal(same.same.worldSize, 1);
  assert.equal(same.same.devices, 'cpu');
  assert.ok(!('perRankBatch' in same.same) && !('syncBatchNorm' in same.same));
  // The runs' headers read the same formatter.
  const c = compareRuns(records.map((record) => ({ record, epochs: [] })));
  assert.deepEqual(c.runs.map((r) => r.backendLabel), ['wasm', 'torch · cpu ×2 · DDP', `torch · cuda ×4 (${h100}) · DDP`, 'torch']);
  assert.deepEqual(c.runs.map((r) => r.backend), ['wasm', 'torch', 'torch', 'torch']);
});

test('the contract part has exactly the five keys, in order', () => {
  const c = comparisonContract(compareRuns(loadRuns(runsDir, [seed.mlp, seed.cnn])));
  assert.deepEqual(Object.keys(c), ['runs', 'configDiff', 'metrics', 'perClassAccuracy', 'curves']);
  assert.deepEqual(Object.keys(c.perClassAccuracy), ['classNames', 'runs']);
});

test('meta.json: name and tags beside run.json, atomic, tolerant of a broken file', () => {
  const dir = path.join(runsDir, seed.cnn);
  const runJson = fs.readFileSync(path.join(dir, 'run.json'), 'utf8');
  assert.deepEqual(readMeta(dir), { name: null, tags: [] });
  assert.deepEqual(updateMeta(dir, { name: '  CNN plain ', tags: parseTags('baseline, seed-001,  baseline,') }), { name: 'CNN plain', tags: ['baseline', 'seed-001'] });
  assert.deepEqual(readMeta(dir), { name: 'CNN plain', tags: ['baseline', 'seed-001'] });
  assert.deepEqual(updateMeta(dir, { tags: [] }), { name: 'CNN plain', tags: [] }, 'a partial change keeps the rest');
  assert.equal(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'), runJson, 'run.json untouched');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('meta')), ['meta.json'], 'no temporary file left');
  fs.writeFileSync(metaPath(dir), '{"name": 4');
  assert.deepEqual(readMeta(dir), { name: null, tags: [] });
  assert.throws(() => updateMeta(path.join(root, 'nowhere'), { name: 'x' }), /not a run folder/);
  // The comparison shows the name.
  updateMeta(dir, { name: 'CNN plain', tags: ['baseline'] });
  const c = compareRuns(loadRuns(runsDir, [seed.mlp, seed.cnn]));
  assert.deepEqual([c.runs[1]!.name, c.runs[1]!.tags], ['CNN plain', ['baseline']]);
  updateMeta(dir, { name: null, tags: [] });
});

test('a live run: epochs so far, the best so far, status running', async () => {
  const dir = path.join(root, 'live');
  const id = await writeFixtureRun(dir, { exportName: 'mlp', permutePixels: null, correct: [CLASSES.map(() => 40)], at: new Date(2026, 3, 1) });
  const done = await writeFixtureRun(dir, { exportName: 'mlp', permutePixels: null, correct: [CLASSES.map(() => 40)], at: new Date(2026, 3, 2) });
  updateRun(path.join(dir, id), (r) => { r.status = 'running'; r.pid = process.pid; r.endedAt = null; r.wallSeconds = null; r.config.epochs = 5; });
  const c = compareRuns(loadRuns(dir, [id, done]));
  assert.equal(c.runs[0]!.status, 'running');
  assert.deepEqual([c.runs[0]!.epochsCompleted, c.runs[0]!.epochsPlanned], [1, 5]);
  assert.deepEqual(c.metrics.epoch.best, [1, 1]);
  assert.deepEqual(c.perClassAccuracy.runs[0], epochsOnDisk(dir, id)[0]!.perClassAccuracy);
});
