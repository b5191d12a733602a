import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runIdsFromArgs } from '../../../../src/extension/runs/runsPanel';

// Compare Runs is run from the palette (no arguments), from the sidebar (`{ runIds }`), from
// the CLI's and tests' `executeCommand(…, id, id)` and from tree items (`{ id }`).

test('run ids from arguments: plain ids, arrays, { runIds, runsDir } and items with an id, once each', () => {
  assert.deepEqual(runIdsFromArgs([]), { runIds: [], runsDir: null });
  assert.deepEqual(runIdsFromArgs(['a', 'b']), { runIds: ['a', 'b'], runsDir: null });
  assert.deepEqual(runIdsFromArgs([['a', 'b'], 'a']), { runIds: ['a', 'b'], runsDir: null });
  assert.deepEqual(runIdsFromArgs([{ runIds: ['x', 'y'], runsDir: '/runs' }]), { runIds: ['x', 'y'], runsDir: '/runs' });
  assert.deepEqual(runIdsFromArgs([{ runId: 'r1' }, { id: 'r2' }]), { runIds: ['r1', 'r2'], runsDir: null });
});

test('run ids from arguments: what is not an id is left out', () => {
  assert.deepEqual(runIdsFromArgs([undefined, null, 3, { id: 4 }, { runIds: 'x' }, {}]), { runIds: [], runsDir: null });
});
