import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import { readWeightsFile } from '../../../../src/weights/files';
import { prepareRuns, startTrainer } from '../../../../src/engine/trainer/start';
import { attachTrainer } from '../../../../src/engine/trainer/attach';
import { resolveTraining } from '../../../../src/engine/training/config';
import { parseSetArgument } from '../../../../src/engine/training/overrides';
import { createRun, readMetrics, readRun, runPaths, updateRun, type MetricRecord } from '../../../../src/runs/index';
import { TRAINER_PROTOCOL_VERSION, type TrainerMessage } from '../../../../src/shared/trainerProtocol';
import { REPO_ROOT } from '../../../support/paths';
import { runCli } from '../../../support/cli';

// The trainer as a separate process, started the way the CLI and the extension start it: what it
// leaves on disk, stopping it (message and signal), a crash, and the CLI's contract (--json,
// one-line errors). Synthetic data, tiny models, the cpu backend.

const root = REPO_ROOT;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-trainer-'));
const runsDir = path.join(dir, 'runs');
const modelFile = path.join(dir, 'tiny.cnn.ts');
fs.writeFileSync(modelFile, `import { model, conv2d, maxPool2d, relu, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [conv2d(4, 5, { stride: 2 }), relu(), maxPool2d(2), flatten(), dense(10)]);
export const flat = model('Flat', [784], [dense(10)]);
export const training: Training = {
  dataset: 'mnist',
  epochs: 2,
  batchSize: 50,
  optimizer: { type: 'adam', lr: 0.01 },
};
`);
const DATA = { limitTrain: 200, limitTest: 100 };

const cli = (args: string[]) => runCli(args, { cwd: dir });

const SYNTH = ['--dataset', 'synthetic', '--limit-train', '200', '--limit-test', '100', '--backend', 'cpu', '--runs-dir', runsDir];

test('train --json: the result line, run.json, metrics.jsonl and checkpoints', async () => {
  const r = await cli(['train', modelFile, ...SYNTH, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!);
  assert.deepEqual(Object.keys(result), ['runId', 'runDir', 'status', 'backend', 'epochs', 'bestEpoch', 'testAccuracy', 'testLoss',
    'perClassAccuracy', 'classNames', 'confusionMatrix', 'trainImagesPerSecond', 'wallSeconds', 'error', 'errorCode', 'worldSize']);
  assert.equal(result.status, 'completed');
  assert.equal(result.error, null);
  assert.equal(result.errorCode, null);
  assert.equal(result.backend, 'cpu');
  assert.equal(result.epochs, 2);
  assert.equal(result.classNames.length, 10);
  assert.equal(result.perClassAccuracy.length, 10);
  assert.equal(result.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0), 100);
  assert.ok(result.trainImagesPerSecond > 0 && result.wallSeconds > 0);
  // people's progress is on stderr: the backend and why, epochs, the summary
  assert.match(r.stderr, /backend cpu \(pure JavaScript[^)]*\): requested/);
  assert.match(r.stderr, /epoch 2\/2 {2}train loss \d\.\d{4} acc [\d.]+% {2}test loss/);
  assert.match(r.stderr, new RegExp(`run ${result.runId} completed: best epoch ${result.bestEpoch}: test accuracy`));

  const run = readRun(result.runDir)!;
  assert.equal(run.status, 'completed');
  assert.equal(run.model.name, 'Tiny');
  assert.equal(run.source.text, fs.readFileSync(modelFile, 'utf8'));
  assert.equal(run.config.dataset, 'synthetic');
  assert.equal(run.config.epochs, 2);
  assert.equal(run.dataset!.trainCount, 200);
  assert.equal(run.backend!.name, 'cpu');
  assert.equal(run.bestEpoch, result.bestEpoch);
  assert.equal(run.best!.test.accuracy, result.testAccuracy);
  assert.ok(run.endedAt && Date.parse(run.endedAt) >= Date.parse(run.startedAt));
  const metrics = readMetrics(result.runDir);
  assert.equal(metrics.filter((m) => m.type === 'iteration').length, 2 * 4);
  assert.deepEqual(metrics.filter((m) => m.type === 'epoch').map((m) => (m as { epoch: number }).epoch), [1, 2]);
  assert.equal(metrics[metrics.length - 1]!.type, 'done');
  // The protocol version is announced first; the backend is a field, not only a sentence.
  assert.deepEqual(metrics.slice(0, 2).map((m) => m.type), ['hello', 'backend']);
  const hello = metrics[0] as Extract<TrainerMessage, { type: 'hello' }>;
  assert.equal(hello.protocol, TRAINER_PROTOCOL_VERSION);
  assert.equal(hello.runId, result.runId);
  const backend = metrics[1] as Extract<TrainerMessage, { type: 'backend' }>;
  assert.equal(backend.backend, 'cpu');
  assert.match(backend.reason, /^requested/);
  assert.equal(run.errorCode, null);
  const paths = runPaths(result.runDir);
  for (const cp of [paths.best, paths.last]) {
    assert.ok(fs.existsSync(path.join(cp, 'weights.safetensors')) && fs.existsSync(path.join(cp, 'checkpoint.json')), cp);
  }

  // evaluate: the best checkpoint on the same test set gives the same numbers
  const e = await cli(['evaluate', result.runId, '--runs-dir', runsDir, '--backend', 'cpu', '--json']);
  assert.equal(e.code, 0, e.stderr);
  const ev = JSON.parse(e.stdout.trim().split('\n').pop()!);
  assert.equal(ev.testAccuracy, result.testAccuracy);
  assert.ok(Math.abs(ev.testLoss - result.testLoss) < 1e-6);
  assert.deepEqual(ev.confusionMatrix, result.confusionMatrix);
});

test('a bad value stops before anything starts, with one line that says where', async () => {
  const bad = await cli(['train', modelFile, ...SYNTH, '--set', 'optimizer.lr=-1']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, '--set optimizer.lr=-1: optimizer.lr must be a positive number, got -1\n');
  const file = path.join(dir, 'bad.cnn.ts');
  fs.writeFileSync(file, fs.readFileSync(modelFile, 'utf8').replace('batchSize: 50', 'batchSize: 2.5'));
  const inFile = await cli(['train', file, ...SYNTH]);
  assert.equal(inFile.code, 1);
  assert.equal(inFile.stderr, 'bad.cnn.ts:7:14: batchSize must be a positive integer, got 2.5\n');
  assert.ok(!fs.existsSync(runsDir) || fs.readdirSync(runsDir).every((id) => readRun(path.join(runsDir, id))?.status !== 'running'));
});

async function started(exportName?: string, extra: string[] = []) {
  const [run] = await prepareRuns({
    file: modelFile, exportName, runsDir, backend: 'cpu', data: DATA,
    overrides: ['dataset=synthetic', 'epochs=200', ...extra].map(parseSetArgument),
  });
  const handle = startTrainer(run!);
  const seen: TrainerMessage[] = [];
  handle.onMessage((m) => seen.push(m));
  return { run: run!, handle, seen };
}

/** Resolves once `n` iteration messages have arrived. */
function iterations(seen: TrainerMessage[], handle: ReturnType<typeof startTrainer>, n: number): Promise<void> {
  return new Promise((resolve) => handle.onMessage(() => {
    if (seen.filter((m) => m.type === 'iteration').length >= n) resolve();
  }));
}

for (const how of ['a stop message', 'SIGTERM'] as const) {
  test(`stop by ${how}: the run ends stopped, with its metrics so far and checkpoints/last`, async () => {
    const { run, handle, seen } = await started();
    await iterations(seen, handle, 2);
    if (how === 'SIGTERM') handle.child.kill('SIGTERM');
    else handle.stop();
    const result = await handle.done;
    assert.equal(result.status, 'stopped');
    const record = readRun(run.runDir)!;
    assert.equal(record.status, 'stopped');
    assert.ok(record.endedAt);
    const metrics = readMetrics(run.runDir);
    const its = metrics.filter((m): m is Extract<MetricRecord, { type: 'iteration' }> => m.type === 'iteration');
    assert.ok(its.length >= 2 && its.length < 200 * 4);
    assert.deepEqual(its.map((m) => m.iteration), its.map((_, i) => i + 1), 'every iteration, in order, none torn');
    assert.ok(fs.existsSync(path.join(runPaths(run.runDir).last, 'weights.safetensors')));
    assert.equal(handle.child.exitCode, 0);
  });
}

test('attach: a run started elsewhere is followed from its folder (all it sent so far, then live) and stopped by signal', async () => {
  const { run, handle, seen } = await started();
  await iterations(seen, handle, 3);
  // What a reloaded window does: it never saw this trainer's stdout, only the run folder.
  const attached = attachTrainer(run.runDir, run.runId, { pollMs: 50 })!;
  assert.ok(attached, 'a live trainer is attached to');
  const count = (ms: TrainerMessage[]) => ms.filter((m) => m.type === 'iteration').length;
  const before = count(seen);
  const followed: TrainerMessage[] = [];
  attached.onMessage((m) => followed.push(m));
  // Past what had been sent when it attached: it follows the run live, not just its history.
  await new Promise<void>((resolve) => attached.onMessage(() => { if (count(followed) >= before + 2) resolve(); }));
  const its = followed.filter((m) => m.type === 'iteration').map((m) => (m as Extract<TrainerMessage, { type: 'iteration' }>).iteration);
  assert.deepEqual(its, its.map((_, i) => i + 1), 'from the first iteration, in order');
  assert.equal(followed[0]?.type, 'hello', 'from the first message');
  assert.ok(followed.some((m) => m.type === 'backend' && m.backend === 'cpu' && /^backend cpu/.test(m.message)), 'the backend is replayed');
  attached.stop();
  const [mine, theirs] = await Promise.all([attached.done, handle.done]);
  assert.equal(theirs.status, 'stopped');
  assert.equal(mine.status, 'stopped');
  assert.equal(mine.runId, run.runId);
  assert.equal(followed.at(-1)?.type, 'done');
  assert.equal(attachTrainer(run.runDir, run.runId), null, 'a finished run is not attached to');
});

test('attach: a run whose trainer announced another protocol version is not followed', () => {
  const { id, paths } = createRun(path.join(dir, 'versions'), {
    modelName: 'Tiny', exportName: 'default', file: modelFile, text: '', config: resolveTraining({ training: {}, file: modelFile, text: '' }).config,
  });
  updateRun(paths.dir, (r) => { r.pid = process.pid; }); // alive: only the version stands in the way
  fs.writeFileSync(paths.metrics, `${JSON.stringify({ type: 'hello', protocol: TRAINER_PROTOCOL_VERSION + 1, runId: id, pid: process.pid, time: 0 })}\n`);
  assert.equal(attachTrainer(paths.dir, id), null);
});

test('attach: a trainer that dies is seen as interrupted', async () => {
  const { run, handle, seen } = await started('flat');
  await iterations(seen, handle, 1);
  const attached = attachTrainer(run.runDir, run.runId, { pollMs: 50 })!;
  // SIGKILL of the whole story: no done message, and the starter (the old window) is gone too.
  handle.child.kill('SIGKILL');
  const result = await attached.done;
  assert.equal(result.status, 'interrupted');
  assert.equal(readRun(run.runDir)!.status, 'interrupted');
});

test('a crash (a corrupt dataset file) leaves the run failed with the message and its code', async () => {
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(path.join(dataDir, 'mnist'), { recursive: true });
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
    fs.writeFileSync(path.join(dataDir, 'mnist', f), Buffer.from('not an IDX file at all'));
  }
  const [run] = await prepareRuns({ file: modelFile, runsDir, backend: 'cpu', data: { dataDir } });
  const stderr: string[] = [];
  const handle = startTrainer(run!, { onStderr: (t) => stderr.push(t) });
  const errors: Extract<TrainerMessage, { type: 'error' }>[] = [];
  handle.onMessage((m) => { if (m.type === 'error') errors.push(m); });
  const result = await handle.done;
  assert.equal(result.status, 'failed');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /train-images-idx3-ubyte: /);
  assert.equal(errors[0]!.code, 'dataset-corrupt');
  assert.equal(result.errorCode, 'dataset-corrupt');
  assert.equal(result.error, errors[0]!.message);
  const record = readRun(run!.runDir)!;
  assert.equal(record.status, 'failed');
  assert.equal(record.error, errors[0]!.message);
  assert.equal(record.errorCode, 'dataset-corrupt');
  assert.equal(handle.child.exitCode, 1);
  assert.doesNotMatch(errors[0]!.message, /\n/, 'the message is one line');
  // The stack is the trainer's stderr, which is the run folder's trainer.log (and what onStderr follows).
  assert.match(stderr.join(''), /^dataset-corrupt: DatasetError: .*\n {4}at /);
  assert.equal(fs.readFileSync(path.join(run!.runDir, 'trainer.log'), 'utf8'), stderr.join(''));
});

test('a missing dataset: the code dataset-missing reaches the handle, the result and run.json', async () => {
  const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
  const [run] = await prepareRuns({
    file: modelFile, runsDir, backend: 'cpu', data: { dataDir: empty, cacheDir: empty },
    overrides: ['dataset=cifar10'].map(parseSetArgument),
  });
  const handle = startTrainer(run!);
  const codes: string[] = [];
  handle.onMessage((m) => { if (m.type === 'error') codes.push(m.code); });
  const result = await handle.done;
  assert.deepEqual(codes, ['dataset-missing']);
  assert.equal(result.status, 'failed');
  assert.equal(result.errorCode, 'dataset-missing');
  assert.match(result.error!, /cifar10: not found/);
  assert.equal(readRun(run!.runDir)!.errorCode, 'dataset-missing');
});

test('a backend that cannot start is backend-unavailable', async () => {
  const [run] = await prepareRuns({
    file: modelFile, runsDir, backend: 'tensorflow', data: DATA, overrides: ['dataset=synthetic'].map(parseSetArgument),
  });
  const handle = startTrainer(run!);
  const result = await handle.done;
  if (result.status === 'completed') return; // tfjs-node is installed here: nothing to check
  assert.equal(result.errorCode, 'backend-unavailable');
  assert.match(result.error!, /backend 'tensorflow' is not available/);
});

test('a trainer killed outright leaves the run interrupted, its metrics intact', async () => {
  const { run, handle, seen } = await started('flat');
  await iterations(seen, handle, 1);
  handle.child.kill('SIGKILL');
  const result = await handle.done;
  assert.equal(result.status, 'interrupted');
  assert.equal(readRun(run.runDir)!.status, 'interrupted');
  assert.match(readRun(run.runDir)!.error!, /^the trainer exited \(SIGKILL\) without finishing the run/);
  assert.ok(readMetrics(run.runDir).some((m) => m.type === 'iteration'));
});

test('--model all --sweep: one run per model and value (the seed-001 experiment in one command)', async () => {
  const sweepDir = path.join(dir, 'sweep');
  const r = await cli(['train', modelFile, ...SYNTH.slice(0, -1), sweepDir, '--model', 'all', '--sweep', 'permutePixels=[null,3]', '--epochs', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const runs = results.map((x) => readRun(x.runDir)!);
  assert.deepEqual(runs.map((x) => [x.model.export, x.config.permutePixels, x.status]),
    [['default', null, 'completed'], ['flat', null, 'completed'], ['default', 3, 'completed'], ['flat', 3, 'completed']]);
  assert.equal(new Set(results.map((x) => x.runId)).size, 4);
});

test('Ctrl-C on the CLI (SIGINT to its process group) stops the run cleanly: stopped, exit 130', async () => {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(process.execPath, [
    '--import', tsx, path.join(root, 'src/cli/main.ts'), 'train', modelFile, ...SYNTH, '--epochs', '200', '--json',
  ], { cwd: dir, detached: true });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c) => { stdout += c; });
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (c) => {
      stderr += c;
      if (/ step \d+\/\d+/.test(stderr) && !stderr.includes('stopping')) process.kill(-child.pid!, 'SIGINT');
    });
    child.on('close', resolve);
  });
  assert.equal(code, 130, stderr);
  assert.match(stderr, /stopping after the current batch/);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.status, 'stopped');
  assert.equal(readRun(result.runDir)!.status, 'stopped');
  assert.ok(fs.existsSync(path.join(runPaths(result.runDir).last, 'weights.safetensors')));
});

test('initFrom through the trainer: a missing run is a config error; a finished one seeds the weights', async () => {
  const missing = await cli(['train', modelFile, ...SYNTH, '--set', 'initFrom=no-such-run']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `--set initFrom=no-such-run: initFrom: no run 'no-such-run' in ${runsDir}\n`);
  const first = JSON.parse((await cli(['train', modelFile, ...SYNTH, '--epochs', '1', '--json'])).stdout.trim().split('\n').pop()!);
  const [run] = await prepareRuns({
    file: modelFile, exportName: 'default', runsDir, backend: 'cpu', data: DATA,
    overrides: ['dataset=synthetic', 'epochs=1', `initFrom=${first.runId}`, 'freeze={layers:["conv2d_1"],epochs:1}'].map(parseSetArgument),
  });
  const handle = startTrainer(run!);
  const notes: string[] = [];
  handle.onMessage((m) => { if (m.type === 'status' && m.phase === 'init') notes.push(m.message); });
  assert.equal((await handle.done).status, 'completed');
  assert.deepEqual(notes, [`initFrom ${first.runId}: copied 4 weights, kept 0 as initialised`]);
  assert.deepEqual(readRun(run!.runDir)!.initFrom, { runId: first.runId, copied: 4, skipped: 0 });
  // conv2d_1 was frozen for the only epoch: its kernel is still the one copied from the first run.
  const a = readWeightsFile(path.join(first.runDir, 'checkpoints', 'best', 'weights.safetensors')).get('conv2d_1.weight')!.data;
  const b = readWeightsFile(path.join(run!.runDir, 'checkpoints', 'last', 'weights.safetensors')).get('conv2d_1.weight')!.data;
  assert.deepEqual(b, a);
});

test('a trainer that dies on a bug: the run\'s error is its last words in one line, the stack stays in trainer.log', async () => {
  const crashing = path.join(dir, 'crashing-trainer.js');
  fs.writeFileSync(crashing, `process.stderr.write('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced\\n');
const e = new TypeError('cannot read properties of undefined');
process.stderr.write(e.stack + '\\n    at CheckVkSuccessImpl (/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)\\n');
process.exit(1);
`);
  const [run] = await prepareRuns({ file: modelFile, runsDir, backend: 'cpu', data: DATA, overrides: ['dataset=synthetic'].map(parseSetArgument) });
  const result = await startTrainer(run!, { trainerPath: crashing }).done;
  assert.equal(result.status, 'interrupted');
  assert.equal(result.error, 'the trainer exited (code 1) without finishing the run: TypeError: cannot read properties of undefined');
  assert.match(fs.readFileSync(path.join(run!.runDir, 'trainer.log'), 'utf8'), /TypeError: cannot read properties of undefined\n {4}at /);
});
