import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EvaluateResult } from '../../../src/cli/evaluate';
import { EXAMPLES_DIR } from '../../support/paths';
import { torchPython } from '../../support/torch';
import { runCli } from '../../support/cli';

// `cnn-explorer evaluate` across engines, as users run it (the bundles in dist/): a run trained
// on one engine evaluates on the other with the same figures, since both read the same
// checkpoint, the same test images and the same normalization and pixel permutation.

const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-evaluate-'));
process.on('exit', () => fs.rmSync(runsDir, { recursive: true, force: true }));
const TINY = ['--epochs', '1', '--limit-train', '300', '--limit-test', '100', '--runs-dir', runsDir, '--json'];

const cli = (args: string[]) => runCli(args, { cwd: runsDir, built: true });

function lastJson<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

async function train(args: string[]): Promise<{ runId: string; testAccuracy: number; testLoss: number; confusionMatrix: number[][] }> {
  const r = await cli(['train', ...args, ...TINY]);
  assert.equal(r.code, 0, r.stderr);
  return lastJson(r.stdout);
}

async function evaluate(runId: string, backend: string, python?: string): Promise<{ result: EvaluateResult; stderr: string }> {
  const r = await cli(['evaluate', runId, '--backend', backend, ...(python ? ['--python', python] : []), '--runs-dir', runsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return { result: lastJson(r.stdout), stderr: r.stderr };
}

function assertSameEvaluation(torch: EvaluateResult, wasm: EvaluateResult): void {
  assert.equal(torch.count, wasm.count);
  assert.deepEqual(torch.classNames, wasm.classNames);
  assert.deepEqual(torch.confusionMatrix, wasm.confusionMatrix);
  assert.equal(torch.testAccuracy, wasm.testAccuracy);
  assert.deepEqual(torch.perClassAccuracy, wasm.perClassAccuracy);
  assert.ok(Math.abs(torch.testLoss - wasm.testLoss) <= 1e-4 * Math.abs(wasm.testLoss), `loss ${torch.testLoss} on torch, ${wasm.testLoss} on wasm`);
}

test('a run trained on wasm evaluates on torch with the figures wasm gives', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const run = await train([path.join(EXAMPLES_DIR, 'lenet.cnn.ts'), '--backend', 'wasm']);
  const onTorch = await evaluate(run.runId, 'torch', torch.python);
  assert.match(onTorch.stderr, /^backend torch \((cpu|cuda|mps)\b.*torch [\d.a-z+]+\): requested$/m);
  const onWasm = await evaluate(run.runId, 'wasm');
  assertSameEvaluation(onTorch.result, onWasm.result);
  assert.equal(onWasm.result.testAccuracy, run.testAccuracy);
});

test('a flat-input model with permuted pixels evaluates on torch with the figures wasm gives', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  // A higher rate than the example's: the model must predict more than one class for the
  // confusion matrices to say anything; the permutation and the flattening order must match.
  const run = await train([path.join(EXAMPLES_DIR, 'mlp-vs-cnn.cnn.ts'), '--model', 'mlp', '--backend', 'wasm',
    '--batch-size', '8', '--set', 'optimizer.lr=0.05', '--set', 'permutePixels=42']);
  const onTorch = await evaluate(run.runId, 'torch', torch.python);
  const onWasm = await evaluate(run.runId, 'wasm');
  assert.ok(onWasm.result.confusionMatrix.filter((row) => row.some((n, i) => n > 0 && i !== 1)).length >= 3, 'predicts several classes');
  assertSameEvaluation(onTorch.result, onWasm.result);
});

// One run trained on torch, for the two tests that evaluate it.
let torchRun: ReturnType<typeof train> | null = null;
const trainedOnTorch = (python: string) => (torchRun ??= train([path.join(EXAMPLES_DIR, 'mlp-vs-cnn.cnn.ts'), '--model', 'mlp',
  '--backend', 'torch', '--python', python, '--batch-size', '8', '--set', 'optimizer.lr=0.05']));

test('a run trained on torch evaluates on wasm with the accuracy and confusion matrix it recorded', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const run = await trainedOnTorch(torch.python);
  const onWasm = await evaluate(run.runId, 'wasm');
  assert.equal(onWasm.result.testAccuracy, run.testAccuracy);
  assert.deepEqual(onWasm.result.confusionMatrix, run.confusionMatrix);
  assert.ok(Math.abs(onWasm.result.testLoss - run.testLoss) <= 1e-4 * run.testLoss, `loss ${onWasm.result.testLoss} on wasm, ${run.testLoss} in training`);
});

test('auto evaluates a run trained on torch on torch, with the figures it recorded', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const run = await trainedOnTorch(torch.python);
  const onAuto = await evaluate(run.runId, 'auto', torch.python);
  assert.match(onAuto.stderr, /^backend torch \((cpu|cuda|mps)\b.*\): auto: the run was trained on torch$/m);
  assert.equal(onAuto.result.testAccuracy, run.testAccuracy);
  assert.deepEqual(onAuto.result.confusionMatrix, run.confusionMatrix);
  assert.ok(Math.abs(onAuto.result.testLoss - run.testLoss) <= 1e-6 * run.testLoss, `loss ${onAuto.result.testLoss} again, ${run.testLoss} in training`);
});

test('evaluate --backend torch: no torch, or no checkpoint, is one line and exit 1', async () => {
  const noPython = path.join(runsDir, 'no-such-python');
  const run = await train([path.join(EXAMPLES_DIR, 'mlp-vs-cnn.cnn.ts'), '--model', 'mlp', '--backend', 'wasm']);
  const r = await cli(['evaluate', run.runId, '--backend', 'torch', '--python', noPython, '--runs-dir', runsDir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /backend 'torch' is not available: PyTorch was not found: .*no-such-python \(--python\): not found/);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack');

  fs.rmSync(path.join(runsDir, run.runId, 'checkpoints'), { recursive: true, force: true });
  const none = await cli(['evaluate', run.runId, '--backend', 'torch', '--python', noPython, '--runs-dir', runsDir]);
  assert.equal(none.code, 1);
  assert.match(none.stderr.trim(), new RegExp(`run ${run.runId} has no best checkpoint$`));
});
