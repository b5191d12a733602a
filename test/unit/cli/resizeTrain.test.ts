import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../support/cli';
import { EXAMPLES_DIR } from '../../support/paths';
import { torchPython } from '../../support/torch';

// The GoogLeNet example trains Fashion-MNIST (28×28) at its 96×96 input: the run resizes the
// images, says so in its log on either engine, and trains (a few images, one epoch).

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-resize-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const RESIZED = /^fashion-mnist: 16 training, 0 validation, 8 test images from .*; images resized from 28×28 to the model's 96×96 \(bilinear\)$/m;

async function train(extra: string[]) {
  const r = await runCli(['train', path.join(EXAMPLES_DIR, 'googlenet.cnn.ts'), '--epochs', '1', '--limit-train', '16', '--limit-test', '8',
    '--runs-dir', path.join(root, 'runs'), '--json', ...extra],
  { cwd: root, built: true, env: { ...process.env, XDG_CACHE_HOME: path.join(root, 'cache'), OMP_WAIT_POLICY: 'PASSIVE' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, RESIZED);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { status: string; epochs: number; runId: string };
  assert.deepEqual([result.status, result.epochs], ['completed', 1]);
  const run = JSON.parse(fs.readFileSync(path.join(root, 'runs', result.runId, 'run.json'), 'utf8')) as { dataset: { imageShape: number[] } };
  assert.deepEqual(run.dataset.imageShape, [96, 96, 1], 'the run records the size it trained at');
}

test('GoogLeNet on Fashion-MNIST at 96×96 on tfjs (wasm): resized, said, trained', { timeout: 300_000 }, async () => {
  await train(['--backend', 'wasm']);
});

test('GoogLeNet on Fashion-MNIST at 96×96 on torch: the prepared dataset resized, said the same way, trained', { timeout: 300_000 }, async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  await train(['--backend', 'torch', '--python', torch.python]);
});
