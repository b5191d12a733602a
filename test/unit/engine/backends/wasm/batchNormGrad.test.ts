// BatchNorm's gradient on the wasm backend (src/engine/backends/wasm/batchNormGrad.ts: one kernel
// for the five gradients of FusedBatchNorm) against tfjs's own gradient on the cpu backend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { randomArray, rng, TOL, useWasmKernels } from './harness';

useWasmKernels();

interface Case { shape: number[]; batchStatistics: boolean }

/** The inputs a case differentiates: mean and variance only when given. */
function inputsOf(c: Case): string[] {
  return ['x', ...(c.batchStatistics ? [] : ['mean', 'variance']), 'scale', 'offset'];
}

/**
 * The gradients of Σ w · batchNorm(x) with respect to inputsOf(c); with batchStatistics, mean and
 * variance are x's moments (as tfjs-layers trains), so x's gradient also flows through them.
 */
async function gradients(backend: 'cpu' | 'wasm', c: Case, seed: number): Promise<Array<{ shape: number[]; values: Float32Array }>> {
  await tf.setBackend(backend);
  const r = rng(seed);
  const C = c.shape[c.shape.length - 1]!;
  const n = tf.util.sizeFromShape(c.shape);
  const all: Record<string, tf.Tensor> = {
    x: tf.tensor(randomArray(r, n).map((v) => 2 * v + 0.5), c.shape),
    mean: tf.tensor1d(randomArray(r, C).map((v) => 0.3 * v)),
    variance: tf.tensor1d(randomArray(r, C).map((v) => 1.2 + v)),
    scale: tf.tensor1d(randomArray(r, C).map((v) => 1 + 0.5 * v)),
    offset: tf.tensor1d(randomArray(r, C)),
  };
  const w = tf.tensor(randomArray(r, n), c.shape);
  const names = inputsOf(c);
  const axes = c.shape.slice(0, -1).map((_, i) => i);
  const f = (...args: tf.Tensor[]) => {
    const t = { ...all, ...Object.fromEntries(names.map((k, i) => [k, args[i]!])) };
    const m = c.batchStatistics ? tf.moments(t.x!, axes) : { mean: t.mean!, variance: t.variance! };
    return tf.sum(tf.mul(w, tf.batchNorm(t.x!, m.mean, m.variance, t.offset, t.scale, 1e-3)));
  };
  const grads = tf.grads(f)(names.map((k) => all[k]!));
  const out = await Promise.all(grads.map(async (g) => ({ shape: g.shape, values: (await g.data()) as Float32Array })));
  tf.dispose([...grads, ...Object.values(all), w]);
  return out;
}

test('BatchNorm gradient matches tfjs on cpu', async () => {
  // Channel counts that make blocks of whole pixels (8: 8 floats, 6: 12), strips of 64 channels
  // with a narrower last one (132), neither (70: plain JS), a batch summed over several kernel
  // calls (64·8·8 pixels), rank 3. (tfjs cannot differentiate a batchNorm without a scale.)
  const cases: Case[] = [];
  for (const shape of [[4, 5, 6, 8], [2, 3, 3, 6], [3, 4, 4, 132], [2, 4, 4, 70], [64, 8, 8, 64], [2, 10, 256]]) {
    for (const batchStatistics of [true, false]) cases.push({ shape, batchStatistics });
  }
  for (const [i, c] of cases.entries()) {
    const ref = await gradients('cpu', c, 100 + i);
    const got = await gradients('wasm', c, 100 + i);
    for (const [k, name] of inputsOf(c).entries()) {
      const label = `${c.shape} ${c.batchStatistics ? 'batch statistics' : 'given statistics'}: d${name}`;
      assert.deepEqual(got[k]!.shape, ref[k]!.shape, `${label}: shape`);
      let scaleOf = 0;
      for (const v of ref[k]!.values) scaleOf = Math.max(scaleOf, Math.abs(v));
      const tol = TOL * (1 + scaleOf);
      for (let j = 0; j < ref[k]!.values.length; j++) {
        const d = Math.abs(got[k]!.values[j]! - ref[k]!.values[j]!);
        if (!(d <= tol)) assert.fail(`${label}: element ${j}: wasm ${got[k]!.values[j]} vs cpu ${ref[k]!.values[j]} (|Δ| ${d} > ${tol})`);
      }
    }
  }
});

test('BatchNorm gradient on wasm runs as one kernel', async () => {
  await tf.setBackend('wasm');
  const x = tf.randomNormal([8, 4, 4, 16]);
  const stats = tf.moments(x, [0, 1, 2]);
  const profile = await tf.profile(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.batchNorm(xi, stats.mean, stats.variance, tf.zerosLike(stats.mean), tf.onesLike(stats.mean))))(x));
  const names = profile.kernels.map((k) => k.name);
  assert.ok(names.includes('CnnExplorerBatchNormGrad'), names.join(', '));
  assert.ok(!names.includes('Tile'), names.join(', '));
  tf.dispose([x, stats.mean, stats.variance]);
});
