import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chooseEngine } from '../../../../src/engine/torch/chooseEngine';
import { TorchNotFoundError } from '../../../../src/engine/torch/python';
import { prepareRuns, startTrainer } from '../../../../src/engine/trainer/start';
import { engineChooser } from '../../../../src/engine/torch/chooseEngine';
import { parseSetArgument } from '../../../../src/engine/training/overrides';
import { readMetrics, readRun } from '../../../../src/runs/index';
import type { RunSpec } from '../../../../src/engine/trainer/spec';
import type { TrainResult } from '../../../../src/runs/types';
import { readSafetensors } from '../../../../src/weights/safetensors';
import { REPO_ROOT } from '../../../support/paths';
import { torchPython } from '../../../support/torch';

// Torch runs started as the CLI and the editor start them (prepareRuns, startTrainer): the
// launcher prepares what PyTorch needs and hands over to the Python trainer, or ends the run
// itself, as any trainer would, when it cannot (no PyTorch, no dataset). Real Pythons, real
// MNIST (a few hundred images, one epoch).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-torch-launch-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const runsDir = path.join(dir, 'runs');
const cacheDir = path.join(dir, 'cache');
const modelFile = path.join(dir, 'tiny.cnn.ts');
fs.writeFileSync(modelFile, `import { model, conv2d, maxPool2d, relu, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [conv2d(4, 5, { stride: 2 }), relu(), maxPool2d(2), flatten(), dense(10)]);
export const wrong = model('Wrong', [32, 32, 3], [flatten(), dense(10)]);
export const training: Training = { dataset: 'mnist', epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 0.01 } };
`);
const DATA = { limitTrain: 300, limitTest: 100, cacheDir };

function spec(runDir: string): RunSpec {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'spec.json'), 'utf8')) as RunSpec;
}

async function train(opts: Parameters<typeof prepareRuns>[0]): Promise<{ result: TrainResult; messages: string[] }> {
  const [run] = await prepareRuns(opts);
  const handle = startTrainer(run!);
  const messages: string[] = [];
  handle.onMessage((m) => messages.push(m.type === 'error' ? `error ${m.code}` : m.type));
  return { result: await handle.done, messages };
}

test('--backend torch without PyTorch: the run fails backend-unavailable, naming the Python tried', async () => {
  const { result, messages } = await train({
    file: modelFile, runsDir, backend: 'torch', data: DATA, engine: engineChooser([{ python: 'python3', from: '--python' }]),
  });
  assert.equal(result.status, 'failed');
  assert.equal(result.errorCode, 'backend-unavailable');
  assert.match(result.error!, /^backend 'torch' is not available: PyTorch was not found: python3 \(--python\): no torch module/);
  assert.equal(result.error!.split('\n').length, 1, 'one line');
  assert.deepEqual(messages, ['hello', 'error backend-unavailable', 'done']);
  assert.deepEqual(readMetrics(result.runDir).map((m) => m.type), ['hello', 'error', 'done']);
  const record = readRun(result.runDir)!;
  assert.equal(record.status, 'failed');
  assert.equal(record.errorCode, 'backend-unavailable');
  assert.equal(spec(result.runDir).backend, 'torch');
});

test('a dataset that is not there fails on torch with the code and the line it has on tfjs', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty, { recursive: true });
  const common = { file: modelFile, runsDir, data: { dataDir: empty, cacheDir: empty }, overrides: ['dataset=cifar10'].map(parseSetArgument) };
  const onTorch = await train({ ...common, backend: 'torch', engine: engineChooser([{ python: torch.python, from: '--python' }]) });
  const onTfjs = await train({ ...common, backend: 'cpu' });
  assert.equal(onTorch.result.errorCode, 'dataset-missing');
  assert.equal(onTorch.result.error, onTfjs.result.error);
  assert.deepEqual(onTorch.messages, ['hello', 'error dataset-missing', 'done']);
  assert.equal(readRun(onTorch.result.runDir)!.status, 'failed');
});

test('a model that does not fit the data fails on torch where and as it fails on tfjs', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const [onTorch, onTfjs] = await Promise.all([
    train({ file: modelFile, exportName: 'wrong', runsDir, backend: 'torch', data: DATA, engine: engineChooser([{ python: torch.python, from: '--python' }]) }),
    train({ file: modelFile, exportName: 'wrong', runsDir, backend: 'cpu', data: DATA }),
  ]);
  assert.equal(onTorch.result.errorCode, 'config-invalid');
  assert.equal(onTorch.result.error, onTfjs.result.error);
  assert.match(onTorch.result.error!, /^.*tiny\.cnn\.ts:\d+:\d+: 'mnist' has images of \[28, 28, 1\] but the model's input is \[32, 32, 3\]/);
});

test('a torch run: module, prepared dataset and spec written, PyTorch trains, run.json says torch', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const { result, messages } = await train({
    file: modelFile, runsDir, backend: 'torch', data: DATA, engine: engineChooser([{ python: torch.python, from: '--python' }]),
  });
  assert.equal(result.status, 'completed', result.error ?? '');
  assert.equal(result.backend, 'torch');
  assert.deepEqual(messages.slice(0, 2), ['hello', 'backend']);
  const s = spec(result.runDir);
  assert.equal(s.backend, 'torch');
  assert.deepEqual(Object.keys(s.torch!), ['python', 'module', 'data', 'initFrom', 'threads', 'device', 'moduleNames', 'reason']);
  assert.equal(s.torch!.python, torch.python);
  assert.equal(s.torch!.module, path.join(result.runDir, 'model.py'));
  assert.match(fs.readFileSync(s.torch!.module, 'utf8'), /def build_model\(\)/);
  assert.equal(path.dirname(s.torch!.data), path.join(cacheDir, 'prepared'));
  assert.equal(readSafetensors(s.torch!.data).tensors.get('train.images')!.shape[0], 300);
  assert.deepEqual(s.torch!.moduleNames, { conv2d_1: 'conv2d_1', relu_1: 'relu_1', maxPool2d_1: 'maxPool2d_1', flatten_1: 'flatten_1', dense_1: 'dense_1' });
  assert.equal(s.torch!.threads, os.cpus().length);
  assert.equal(s.torch!.reason, 'requested');
  const record = readRun(result.runDir)!;
  assert.equal(record.backend!.name, 'torch');
  assert.equal(record.backend!.reason, 'requested');
  assert.equal(record.dataset!.trainCount, 300);
  // The pid readers stop the run with is Python's, the one that said hello.
  const hello = readMetrics(result.runDir)[0]!;
  assert.ok(hello.type === 'hello' && hello.pid === record.pid);
  assert.ok(fs.existsSync(path.join(result.runDir, 'checkpoints', 'best', 'weights.safetensors')));
});

test('auto on tfjs: the tfjs trainer\'s backend reason starts with why torch was passed over', async () => {
  const noTorch = new TorchNotFoundError([{ candidate: { python: 'python3', from: 'PATH' }, reason: 'no torch module (ModuleNotFoundError)' }]);
  const probes = { torch: async () => noTorch, tfjsNode: () => null, webgpu: async () => ({ reason: 'no WebGPU adapter' }) };
  const { result } = await train({
    file: modelFile, runsDir, data: DATA, overrides: ['dataset=synthetic'].map(parseSetArgument),
    engine: (preference) => chooseEngine(preference, probes),
  });
  assert.equal(result.status, 'completed', result.error ?? '');
  assert.notEqual(result.backend, 'torch');
  assert.deepEqual(spec(result.runDir).backendPassedOver, ['torch: no Python with PyTorch (python3: no torch module (ModuleNotFoundError))']);
  assert.match(readRun(result.runDir)!.backend!.reason, /; skipped torch: no Python with PyTorch \(python3: no torch module \(ModuleNotFoundError\)\); tensorflow: /);
});

test('Stop reaches Python through the launcher: the run ends stopped, checkpoints/last saved', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const [run] = await prepareRuns({
    file: modelFile, runsDir, backend: 'torch', data: DATA, overrides: ['epochs=100'].map(parseSetArgument),
    engine: engineChooser([{ python: torch.python, from: '--python' }]),
  });
  const handle = startTrainer(run!);
  handle.onMessage((m) => { if (m.type === 'iteration') handle.stop(); });
  const result = await handle.done;
  assert.equal(result.status, 'stopped', result.error ?? '');
  assert.ok(fs.existsSync(path.join(result.runDir, 'checkpoints', 'last', 'weights.safetensors')));
});

test('initFrom another torch run: PyTorch starts from its best weights', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const engine = engineChooser([{ python: torch.python, from: '--python' }]);
  const first = await train({ file: modelFile, runsDir, backend: 'torch', data: DATA, engine });
  assert.equal(first.result.status, 'completed', first.result.error ?? '');
  const [run] = await prepareRuns({
    file: modelFile, runsDir, backend: 'torch', data: DATA, engine, overrides: [`initFrom=${first.result.runId}`].map(parseSetArgument),
  });
  assert.equal(run!.spec.torch!.initFrom, path.join(first.result.runDir, 'checkpoints', 'best', 'weights.safetensors'));
  const handle = startTrainer(run!);
  const notes: string[] = [];
  handle.onMessage((m) => { if (m.type === 'status' && m.phase === 'init') notes.push(m.message); });
  const result = await handle.done;
  assert.equal(result.status, 'completed', result.error ?? '');
  assert.match(notes.join(), new RegExp(`^initFrom ${first.result.runId}: copied 4 weights, kept 0`));
});

test('initFrom a torch.save file: converted to safetensors in the run folder, then loaded by PyTorch', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const engine = engineChooser([{ python: torch.python, from: '--python' }]);
  const first = await train({ file: modelFile, runsDir, backend: 'torch', data: DATA, engine });
  const pt = path.join(dir, 'tiny.pt');
  execFileSync(torch.python, ['-c', 'import sys, torch\nfrom cnn_explorer_torch.safetensors import load_file\ntorch.save(load_file(sys.argv[1]), sys.argv[2])',
    path.join(first.result.runDir, 'checkpoints', 'best', 'weights.safetensors'), pt], { env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python') } });
  const [run] = await prepareRuns({
    file: modelFile, runsDir, backend: 'torch', data: DATA, engine, overrides: [`initFrom=${JSON.stringify(pt)}`].map(parseSetArgument),
  });
  assert.equal(run!.spec.torch!.initFrom, path.join(run!.runDir, 'initFrom.safetensors'));
  const handle = startTrainer(run!);
  const notes: string[] = [];
  handle.onMessage((m) => { if (m.type === 'status' && m.phase === 'init') notes.push(m.message); });
  const result = await handle.done;
  assert.equal(result.status, 'completed', result.error ?? '');
  assert.deepEqual([...readSafetensors(path.join(run!.runDir, 'initFrom.safetensors')).tensors.keys()].sort(),
    [...readSafetensors(path.join(first.result.runDir, 'checkpoints', 'best', 'weights.safetensors')).tensors.keys()].sort());
  assert.match(notes.join(), /copied 4 weights, kept 0/);
});
