// Identity and Cast on the wasm backend (src/engine/backends/wasm/alias.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmKernels } from './harness';

useWasmKernels();

test('Identity and same-dtype Cast share the data; a clone outlives its source; other casts convert', async () => {
  await tf.setBackend('wasm');
  const x = tf.tensor([1.5, -2.25, 3], [3]);
  const clone = tf.clone(x);
  const same = tf.cast(x, 'float32');
  const asInt = tf.cast(x, 'int32');
  const back = tf.cast(asInt, 'float32');
  x.dispose();
  assert.deepEqual([...await clone.data()], [1.5, -2.25, 3]);
  assert.deepEqual([...await same.data()], [1.5, -2.25, 3]);
  assert.equal(asInt.dtype, 'int32');
  assert.deepEqual([...await asInt.data()], [1, -2, 3]);
  assert.deepEqual([...await back.data()], [1, -2, 3]);
  const before = tf.memory().numBytes;
  tf.dispose([clone, same, asInt, back]);
  assert.ok(tf.memory().numBytes < before);
});
