import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { loadDataset } from '../../../src/engine/data/index';
import { loadCheckpoint } from '../../../src/engine/training/checkpoints';
import { loadModelFile } from '../../../src/loader/index';
import { torchPython } from '../../support/torch';
import { runTorchScript } from '../../support/torchScript';
import { runCli } from '../../support/cli';

// predict on a real MNIST digit (written as a PNG by the test) with weights from a run, from its
// safetensors file and from a torch.save file: the same logits the trained model gives the
// dataset's own image, normalized as the training block says.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-predict-'));
const runsDir = path.join(dir, 'runs');
const modelFile = path.join(dir, 'tiny.cnn.ts');
fs.writeFileSync(modelFile, `import { model, conv2d, relu, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [conv2d(4, 5, { stride: 2 }), relu(), flatten(), dense(10)]);
export const training: Training = { dataset: 'mnist', epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 0.01 },
  normalize: { mean: [0.1307], std: [0.3081] } };
`);

const cli = (args: string[]) => runCli(args, { cwd: dir });

interface Prediction { logits: number[]; top: { class: number; label: string; probability: number }[] }

let runId: string;
let digit: { file: string; label: number; expected: number[] };

test.before(async () => {
  await tf.setBackend('cpu');
  const trained = await cli(['train', modelFile, '--limit-train', '300', '--limit-test', '50', '--backend', 'cpu', '--runs-dir', runsDir, '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  runId = JSON.parse(trained.stdout.trim().split('\n').pop()!).runId;
  const ds = await loadDataset('mnist', { limitTrain: 1, limitTest: 1 });
  const pixels = ds.test.images.subarray(0, 784);
  const png = new PNG({ width: 28, height: 28 });
  for (let p = 0; p < 784; p++) {
    const v = Math.round(pixels[p]! * 255);
    png.data.set([v, v, v, 255], p * 4);
  }
  const file = path.join(dir, 'digit.png');
  fs.writeFileSync(file, PNG.sync.write(png));
  const ir = (await loadModelFile(modelFile)).models[0]!.model;
  const model = await loadCheckpoint(path.join(runsDir, runId, 'checkpoints', 'best'), ir);
  const expected = tf.tidy(() => [...(model.predict(tf.div(tf.sub(tf.tensor(pixels, [1, 28, 28, 1]), 0.1307), 0.3081)) as tf.Tensor).dataSync()]);
  model.dispose();
  digit = { file, label: ds.test.labels[0]!, expected };
});

function assertLogits(p: Prediction, expected: number[], what: string): void {
  assert.equal(p.logits.length, 10, what);
  const worst = Math.max(...p.logits.map((l, i) => Math.abs(l - expected[i]!)));
  assert.ok(worst < 1e-4, `${what}: logits differ by ${worst}`);
  const argmax = expected.indexOf(Math.max(...expected));
  assert.equal(p.top.length, 5);
  assert.deepEqual(p.top[0]!.class, argmax);
  assert.equal(p.top[0]!.label, String(argmax));
  const shown = p.top.reduce((a, t) => a + t.probability, 0);
  assert.ok(shown > 0 && shown <= 1 + 1e-6 && p.top.every((t, i) => i === 0 || t.probability <= p.top[i - 1]!.probability), what);
}

test('predict --weights RUN and --weights FILE.safetensors: the trained model\'s logits for a real digit', async () => {
  const byRun = await cli(['predict', modelFile, '--weights', runId, '--input', digit.file, '--runs-dir', runsDir, '--json']);
  assert.equal(byRun.code, 0, byRun.stderr);
  assertLogits(JSON.parse(byRun.stdout) as Prediction, digit.expected, 'run');
  const weights = path.join(runsDir, runId, 'checkpoints', 'best', 'weights.safetensors');
  const byFile = await cli(['predict', modelFile, '--weights', weights, '--input', digit.file, '--json']);
  assert.equal(byFile.code, 0, byFile.stderr);
  assertLogits(JSON.parse(byFile.stdout) as Prediction, digit.expected, 'safetensors');
  // Without --json: a table, most probable first.
  const table = await cli(['predict', modelFile, '--weights', runId, '--input', digit.file, '--runs-dir', runsDir]);
  const lines = table.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'class  probability');
  assert.equal(lines.length, 6);
  assert.match(lines[1]!, new RegExp(`^${digit.expected.indexOf(Math.max(...digit.expected))}\\s+\\d+\\.\\d\\d%$`));
});

test('predict --weights FILE.pth (torch.save of the state dict) gives the same logits', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const pth = path.join(dir, 'tiny.pth');
  runTorchScript(py, `
import sys, torch
from cnn_explorer_torch.safetensors import load_file
torch.save(load_file(sys.argv[1]), sys.argv[2])
`, [path.join(runsDir, runId, 'checkpoints', 'best', 'weights.safetensors'), pth]);
  const r = await cli(['predict', modelFile, '--weights', pth, '--input', digit.file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assertLogits(JSON.parse(r.stdout) as Prediction, digit.expected, 'torch.save');
});

test('predict resizes a larger colour JPEG to the model\'s grey 28×28; bad arguments are one line', async () => {
  const w = 56, h = 56;
  const rgba = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) rgba.set([(p * 7) % 256, (p * 3) % 256, 90, 255], p * 4);
  const file = path.join(dir, 'colour.jpg');
  fs.writeFileSync(file, jpeg.encode({ data: rgba, width: w, height: h }, 90).data);
  const r = await cli(['predict', modelFile, '--weights', runId, '--input', file, '--runs-dir', runsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout) as Prediction;
  assert.equal(p.logits.length, 10);
  assert.ok(p.logits.every(Number.isFinite));

  const missing = await cli(['predict', modelFile, '--weights', 'no-such-run', '--input', file, '--runs-dir', runsDir]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `cnn-explorer: --weights no-such-run: no run 'no-such-run' in ${runsDir} and no such file\n`);
  const noInput = await cli(['predict', modelFile, '--weights', runId]);
  assert.equal(noInput.code, 1);
  assert.match(noInput.stderr, /^cnn-explorer: missing --input IMAGE \(a PNG or JPEG file\)\nusage: cnn-explorer predict FILE/);
});
