// The training kernels together, as src/engine/backends/wasm/register.ts installs them: a small
// net's gradients against the cpu backend, and no leaks over training steps.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { randomArray, rng, useWasmKernels } from './harness';

useWasmKernels();

test('a small net\'s gradients (conv, depthwise, pooling, batch-norm-like ops, dense) match cpu', async () => {
  const r = rng(16);
  const xs = randomArray(r, 4 * 12 * 12 * 3);
  const ws = { c1: randomArray(r, 3 * 3 * 3 * 8), dw: randomArray(r, 3 * 3 * 8 * 2), c2: randomArray(r, 1 * 1 * 16 * 8), d: randomArray(r, 3 * 3 * 8 * 10) };
  async function grads(backend: 'cpu' | 'wasm'): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    const x = tf.tensor4d(xs, [4, 12, 12, 3]);
    const params = [tf.tensor4d(ws.c1, [3, 3, 3, 8]), tf.tensor4d(ws.dw, [3, 3, 8, 2]), tf.tensor4d(ws.c2, [1, 1, 16, 8]), tf.tensor2d(ws.d, [72, 10])];
    const labels = tf.oneHot(tf.tensor1d([0, 3, 5, 9], 'int32'), 10);
    const g = tf.grads((...p: tf.Tensor[]) => {
      const [c1, dw, c2, d] = p as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D];
      let h: tf.Tensor4D = tf.relu(tf.conv2d(x, c1, 1, 'same'));
      h = tf.maxPool(h, 2, 2, 'same');
      const m = tf.moments(h, [0, 1, 2]);
      h = tf.div(tf.sub(h, m.mean), tf.sqrt(tf.add(m.variance, 1e-3)));
      h = tf.relu6(tf.depthwiseConv2d(h, dw, 1, 'same'));
      h = tf.add(tf.conv2d(h, c2, 2, 'valid'), tf.slice(tf.avgPool(h, 2, 2, 'valid'), [0, 0, 0, 0], [-1, -1, -1, 8]));
      const logits = tf.matMul(tf.reshape(h, [4, 72]), d);
      return tf.losses.softmaxCrossEntropy(labels, logits);
    })(params);
    const out: Float32Array[] = [];
    for (const t of g) out.push((await t.data()) as Float32Array);
    tf.dispose([x, labels, ...params, ...g]);
    return out;
  }
  const ref = await grads('cpu');
  const got = await grads('wasm');
  ref.forEach((g, i) => {
    let scale = 0;
    for (const v of g) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < g.length; j++) {
      assert.ok(Math.abs(got[i]![j]! - g[j]!) <= 1e-4 * (1 + scale), `gradient ${i} element ${j}: ${got[i]![j]} vs ${g[j]}`);
    }
  });
});

test('training kernels do not leak wasm tensors', async () => {
  await tf.setBackend('wasm');
  const x = tf.randomNormal([4, 16, 16, 8]);
  const f = tf.randomNormal([3, 3, 8, 8]);
  const dw = tf.randomNormal([3, 3, 8, 1]);
  // One input channel: the unfolded Conv2D, reading x in place ('valid') and from a padded copy ('same').
  const grey = tf.randomNormal([4, 16, 16, 1]);
  const f1 = tf.randomNormal([3, 3, 1, 8]);
  const step = () => tf.tidy(() => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.add(tf.sum(tf.depthwiseConv2d(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), c as tf.Tensor4D, 1, 'same')),
        tf.add(tf.sum(tf.conv2d(grey as tf.Tensor4D, d as tf.Tensor4D, 1, 'same')), tf.sum(tf.conv2d(grey as tf.Tensor4D, d as tf.Tensor4D, 1, 'valid')))));
    return g([x, f, dw, f1]);
  });
  tf.dispose(step());
  const before = tf.memory().numTensors;
  const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  for (let i = 0; i < 3; i++) tf.dispose(step());
  assert.equal(tf.memory().numTensors, before);
  assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), dataIds);
  tf.dispose([x, f, dw, grey, f1]);
});
