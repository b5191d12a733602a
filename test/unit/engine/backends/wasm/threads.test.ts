import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { prepareRuns, startTrainer } from '../../../../../src/engine/trainer/start';
import { readMetrics, readRun } from '../../../../../src/runs/index';
import { stepLosses, tempModelFile } from '../../../../support/trainedRuns';

// Issue #8: the wasm backend runs XNNPACK on several threads, and a seeded run gives the same
// losses, bit for bit, whatever the thread count (README, "Determinism"). One seeded run trains
// in two trainer processes, as the CLI and the extension start them: one thread, then two.

const MODEL = `import { model, conv2d, maxPool2d, relu, flatten, dense, type Training } from 'cnn-explorer';
export default model('LeNet-small', [28, 28, 1], [
  conv2d(8, 5, { padding: 2 }), relu(), maxPool2d(2),
  conv2d(16, 5), relu(), maxPool2d(2),
  flatten(), dense(64), relu(), dense(10),
]);
export const training: Training = {
  dataset: 'mnist', epochs: 1, batchSize: 32, seed: 5,
  optimizer: { type: 'adam', lr: 3e-3 },
  normalize: { mean: [0.1307], std: [0.3081] },
};
`;

const { dir, file: modelFile } = tempModelFile('cnn-threads-', 'lenet-small.cnn.ts', MODEL);

async function train(threads: number): Promise<{ losses: number[]; detail: string }> {
  const [run] = await prepareRuns({
    file: modelFile, runsDir: path.join(dir, `t${threads}`), backend: 'wasm', data: { limitTrain: 512, limitTest: 64 },
  });
  const saved = process.env.CNN_EXPLORER_WASM_THREADS;
  process.env.CNN_EXPLORER_WASM_THREADS = String(threads); // the trainer inherits the environment
  try {
    const result = await startTrainer(run!, { onStderr: () => {} }).done;
    const meta = readRun(run!.runDir);
    assert.equal(result.status, 'completed', `${threads} thread(s): ${meta?.error}`);
    return { losses: stepLosses(readMetrics(run!.runDir)), detail: meta?.backend?.detail ?? '' };
  } finally {
    if (saved === undefined) delete process.env.CNN_EXPLORER_WASM_THREADS;
    else process.env.CNN_EXPLORER_WASM_THREADS = saved;
  }
}

test('wasm on two threads trains exactly as on one: the same seeded losses, bit for bit', { timeout: 300_000 }, async () => {
  const one = await train(1);
  const two = await train(2);
  assert.match(one.detail, /, 1 thread$/);
  assert.match(two.detail, /, 2 threads$/);
  assert.equal(one.losses.length, 16);
  assert.ok(one.losses.at(-1)! < one.losses[0]! - 0.3, `the loss falls: ${one.losses.map((l) => l.toFixed(3)).join(' ')}`);
  assert.deepEqual(two.losses, one.losses);
});
