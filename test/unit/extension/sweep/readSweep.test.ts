import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readSweep } from '../../../../src/extension/sweep/readSweep';
import { updateMeta } from '../../../../src/runs/meta';
import { runPaths, updateRun } from '../../../../src/runs/store';
import { SWEEP_METRICS } from '../../../../src/shared/messages';
import { writeFixtureRun } from '../../../support/runFixtures';

// The sweep table read from run folders: the hyperparameters are the keys the config diff finds
// differing (here only the learning rate), the metrics the best epoch's (run.json) and the last
// epoch's (metrics.jsonl); an unknown id is one line of problem, not an error.

test('a learning-rate sweep reads as one varying key and each run\'s best and final metrics', async () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-sweep-read-'));
  const rates = [0.1, 0.01, 0.001];
  const ids: string[] = [];
  for (const [k, lr] of rates.entries()) {
    const id = await writeFixtureRun(runsDir, {
      exportName: 'cnn', permutePixels: null, at: new Date(Date.UTC(2026, 11, 5, 10, k)),
      // Epoch 2 is the best, epoch 3 (the final one) worse.
      correct: [new Array(10).fill(60 + k), new Array(10).fill(90 + k), new Array(10).fill(80 + k)],
    });
    updateRun(runPaths(path.join(runsDir, id)).dir, (r) => { (r.config.optimizer as { lr: number }).lr = lr; });
    ids.push(id);
  }
  updateMeta(path.join(runsDir, ids[0]!), { name: 'fast' });

  const { table, problems } = readSweep(runsDir, [...ids, ids[1]!, 'no-such-run']);
  assert.deepEqual(table.params, ['optimizer.lr']);
  assert.deepEqual(table.runs.map((r) => r.params[0]), rates);
  assert.deepEqual(table.runs.map((r) => r.label), ['fast', ids[1], ids[2]]);
  const metric = (name: typeof SWEEP_METRICS[number]) => table.runs.map((r) => r.metrics[SWEEP_METRICS.indexOf(name)]);
  assert.deepEqual(metric('bestTestAccuracy'), [0.9, 0.91, 0.92]);
  assert.deepEqual(metric('finalTestAccuracy'), [0.8, 0.81, 0.82]);
  assert.deepEqual(metric('seconds'), [10, 10, 10]);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /no-such-run/);
});
