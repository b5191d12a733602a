import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { conv2d, dense, globalAvgPool, model } from '../../../../src/dsl/index';
import { TrainerError } from '../../../../src/engine/trainer/errors';
import { checkTrainingMemory } from '../../../../src/engine/trainer/memoryCheck';
import type { RunSpec } from '../../../../src/engine/trainer/spec';
import { prepareRuns, startTrainer } from '../../../../src/engine/trainer/start';
import { parseSetArgument } from '../../../../src/engine/training/overrides';
import { readMetrics, readRun } from '../../../../src/runs/index';

// A run whose first batch cannot be allocated is refused from the analysis' estimate before the
// trainer allocates anything: out-of-memory, at the layer, with the figures, in run.json too.

const GIB = 2 ** 30;
const spec = (ir: RunSpec['model']['ir'], batchSize: number) => ({ model: { ir }, config: { batchSize } }) as unknown as RunSpec;
// 224×224×256 activations: 49 MiB an image, ×2 for the backward pass.
const WIDE = model('Wide', [224, 224, 3], [conv2d(256, 3, { padding: 1 }), globalAvgPool(), dense(10)]);

test('a first batch that does not fit: out-of-memory at the layer, with the activations for the batch and a batch size that fits', () => {
  assert.throws(() => checkTrainingMemory(spec(WIDE, 64), 2 * GIB), (err: unknown) => {
    assert.ok(err instanceof TrainerError);
    assert.equal(err.code, 'out-of-memory');
    assert.deepEqual(err.location, WIDE.nodes[0]!.source);
    assert.equal(err.message, 'out of memory at conv2d_1 (activations 3.06 GiB for a batch of 64, weights 38.04 KiB; ' +
      "this machine has 2.00 GiB, and training would need about 6.13 GiB with gradients and Adam's moments): lower batchSize to 20 or less");
    return true;
  });
  checkTrainingMemory(spec(WIDE, 20), 2 * GIB);
});

test('only the first batch refuses a run: one the full estimate warns about (4 GiB here) still starts', () => {
  checkTrainingMemory(spec(WIDE, 64), 4 * GIB);
});

test('the real trainer refuses a model no machine holds before allocating: failed, out-of-memory, in run.json', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-oom-'));
  const file = path.join(dir, 'huge.cnn.ts');
  // 795 × 10^9 parameters: 2.89 TiB as float32, four times that to train.
  fs.writeFileSync(file, `import { model, flatten, dense } from 'cnn-explorer';
export default model('Huge', [28, 28, 1], [flatten(), dense(1e9), dense(10)]);
`);
  const [run] = await prepareRuns({
    file, runsDir: path.join(dir, 'runs'), backend: 'cpu', data: { limitTrain: 100, limitTest: 50 },
    overrides: ['dataset=synthetic'].map(parseSetArgument),
  });
  const handle = startTrainer(run!);
  const result = await handle.done;
  assert.equal(result.status, 'failed');
  assert.equal(result.errorCode, 'out-of-memory');
  const message = /^out of memory at dense_1 \(activations 238\.42 GiB for a batch of 64, weights 2\.89 TiB; this machine has [\d.]+ [KMGT]iB, and training would need about 12\.03 TiB with gradients and Adam's moments\): make the model smaller: its parameters alone need 11\.57 TiB to train$/;
  const record = readRun(run!.runDir)!;
  assert.equal(record.status, 'failed');
  assert.equal(record.errorCode, 'out-of-memory');
  assert.match(record.error!, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:55: ${message.source.slice(1)}`));
  assert.equal(record.backend, null, 'refused before a backend was chosen');
  const errors = readMetrics(run!.runDir).filter((m) => m.type === 'error');
  assert.equal(errors.length, 1);
  assert.match((errors[0] as { message: string }).message, message);
});
