// ReLU's and sigmoid's gradient kernels on the wasm backend (src/engine/backends/wasm/activationGrad.ts)
// against tfjs's formulas on the cpu backend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL } from '../../../../../src/engine/backends/kernelNames';
import { randomArray, rng, useWasmKernels } from './harness';

useWasmKernels();

test('ReLU\'s gradient on wasm (one fused kernel) matches tfjs\'s formula on cpu: zeros, negatives, lengths not a multiple of 4', async () => {
  const r = rng(21);
  for (const shape of [[7], [2, 3, 5], [64, 24, 24, 6], [1, 1], [4, 4, 4, 4]]) {
    const n = tf.util.sizeFromShape(shape);
    // A quarter exact zeros: the kernel's boundary (tfjs: step(0) = 0).
    const xs = Float32Array.from(randomArray(r, n), (v, i) => (i % 4 === 1 ? 0 : v));
    const dys = randomArray(r, n);
    const grad = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const x = tf.tensor(xs, shape), dy = tf.tensor(dys, shape);
      const g = tf.grad((a: tf.Tensor) => tf.relu(a))(x, dy);
      const values = await g.data();
      tf.dispose([x, dy, g]);
      return values;
    };
    const [want, got] = [await grad('cpu'), await grad('wasm')];
    assert.deepEqual(Array.from(got), Array.from(want), `shape ${shape}`);
  }
  // The gradient the tape uses on wasm runs the fused kernel (not tfjs's step, cast and multiply).
  await tf.setBackend('wasm');
  const x = tf.tensor([1, -1, 0, 2, 3]), dy = tf.tensor([1, 1, 1, 1, 1]);
  const info = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.relu(a))(x, dy));
  const names = info.kernels.map((k) => k.name);
  assert.ok(names.includes(RELU_GRAD_KERNEL) && !names.includes('Step'), `kernels run: ${names.join(', ')}`);
  tf.dispose([x, dy]);
});

test('sigmoid\'s gradient on wasm (one fused kernel) is tfjs\'s formula dy·(y·(1−y)) bit for bit, and the tape runs it', async () => {
  const r = rng(22);
  for (const shape of [[7], [2, 3, 5], [64, 28, 28, 6], [1, 1]]) {
    const n = tf.util.sizeFromShape(shape);
    // Outputs of a sigmoid: in (0, 1), with its ends and the middle among them.
    const ys = Float32Array.from(randomArray(r, n), (v, i) => (i % 7 === 0 ? [0, 1, 0.5][i % 3]! : Math.abs(v) % 1));
    const dys = randomArray(r, n);
    const grad = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const y = tf.tensor(ys, shape), dy = tf.tensor(dys, shape);
      const g = backend === 'wasm'
        ? tf.engine().runKernel(SIGMOID_GRAD_KERNEL, { dy, x: y }) as tf.Tensor
        : tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)));
      const values = await g.data();
      tf.dispose([y, dy, g]);
      return values;
    };
    const [want, got] = [await grad('cpu'), await grad('wasm')];
    assert.deepEqual(Array.from(got), Array.from(want), `shape ${shape}`);
  }
  // Through the tape: sigmoid's gradient on wasm runs the fused kernel and agrees with cpu's.
  const xs = randomArray(r, 37);
  const through = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const x = tf.tensor(xs), dy = tf.onesLike(x);
    const info = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.sigmoid(a))(x, dy));
    const g = tf.grad((a: tf.Tensor) => tf.sigmoid(a))(x, dy);
    const values = await g.data();
    tf.dispose([x, dy, g]);
    return { values, names: info.kernels.map((k) => k.name) };
  };
  const [cpu, wasm] = [await through('cpu'), await through('wasm')];
  assert.ok(wasm.names.includes(SIGMOID_GRAD_KERNEL) && !wasm.names.includes('Sub'), `kernels run: ${wasm.names.join(', ')}`);
  for (let i = 0; i < xs.length; i++) assert.ok(Math.abs(wasm.values[i]! - cpu.values[i]!) < 1e-6, `[${i}]: wasm ${wasm.values[i]} vs cpu ${cpu.values[i]}`);
});
