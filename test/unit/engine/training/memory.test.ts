import assert from 'node:assert/strict';
import * as os from 'node:os';
import { test } from 'node:test';
import { trainingBudget } from '../../../../src/engine/training/memory';

// The budget the editor and `summary` warn against: the file's batch size as loaded (unchecked),
// else the default, and this machine's memory unless the caller gives one.

test('the file\'s batch size when it is a positive integer, else the default (64)', () => {
  assert.deepEqual(trainingBudget({ batchSize: 16 }, 1000), { batchSize: 16, memoryBytes: 1000 });
  for (const training of [undefined, null, 3, {}, { batchSize: 0 }, { batchSize: 2.5 }, { batchSize: '8' }]) {
    assert.equal(trainingBudget(training, 1000).batchSize, 64, JSON.stringify(training));
  }
});

test('the machine\'s memory by default', () => {
  assert.equal(trainingBudget({}).memoryBytes, os.totalmem());
});
