// Tile on the wasm backend (src/engine/backends/wasm/tile.ts) against the cpu backend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, randInt, randomArray, rng, useWasmKernels } from './harness';

useWasmKernels();

test('Tile matches cpu: float32, int32 and bool, reps of 1 and more on every axis, rank 0 to 4', async () => {
  const r = rng(21);
  const cases: Array<[number[], number[]]> = [
    [[], []], [[5], [3]], [[2, 3], [1, 4]], [[1, 1, 1, 6], [4, 5, 7, 1]], [[2, 1, 3, 2], [2, 3, 1, 2]], [[3, 2], [2, 1]],
  ];
  for (const [shape, reps] of cases) {
    await assertSameAsCpu('Tile', { x: { shape, values: randomArray(r, tf.util.sizeFromShape(shape)) } }, { reps }, `x ${shape} reps ${reps}`);
    for (const dtype of ['int32', 'bool'] as const) {
      const values = Array.from({ length: tf.util.sizeFromShape(shape) }, () => randInt(r, 0, dtype === 'bool' ? 1 : 9));
      const results: number[][] = [];
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const x = tf.tensor(values, shape, dtype);
        const y = tf.tile(x, reps);
        results.push(Array.from(await y.data()));
        tf.dispose([x, y]);
      }
      assert.deepEqual(results[1], results[0], `${dtype} x ${shape} reps ${reps}`);
    }
  }
});
