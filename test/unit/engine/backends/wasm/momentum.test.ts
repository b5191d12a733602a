// The fused SGD-with-momentum kernel on the wasm backend (src/engine/backends/wasm/momentum.ts)
// against tfjs's optimizer on the cpu backend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { SGD_MOMENTUM_KERNEL } from '../../../../../src/engine/backends/kernelNames';
import { TrainOptimizer } from '../../../../../src/engine/training/optimizers';
import { randomArray, rng, useWasmKernels } from './harness';

useWasmKernels();

test('SGD with momentum through the fused wasm kernel matches tfjs\'s optimizer on cpu: Nesterov, weight decay, a rate change', async () => {
  assert.ok(tf.getKernel(SGD_MOMENTUM_KERNEL, 'wasm'));
  assert.equal(tf.getKernel(SGD_MOMENTUM_KERNEL, 'cpu'), undefined);
  const r = rng(20);
  // Sizes with and without a tail past the last 4-float vector.
  const shapes = [[1], [3], [7], [5, 5, 6, 6], [1027], [96, 50]];
  const init = shapes.map((sh) => randomArray(r, tf.util.sizeFromShape(sh)));
  const gradValues = Array.from({ length: 4 }, () => shapes.map((sh) => randomArray(r, tf.util.sizeFromShape(sh))));
  for (const [nesterov, weightDecay] of [[false, 0], [true, 0], [false, 0.01]] as const) {
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const vars = shapes.map((sh, i) => tf.tidy(() => tf.variable(tf.tensor(init[i]!, sh), true, `m${backend}${nesterov}${weightDecay}_${i}`)));
      const opt = new TrainOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.9, nesterov, weightDecay });
      for (let step = 0; step < gradValues.length; step++) {
        if (step === 2) opt.setLearningRate(0.03);
        const grads: tf.NamedTensorMap = {};
        vars.forEach((v, i) => { grads[v.name] = tf.tensor(gradValues[step]![i]!, shapes[i]); });
        opt.step(vars, grads);
        tf.dispose(Object.values(grads));
      }
      const values = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
      opt.dispose();
      tf.dispose(vars);
      return values;
    };
    // tfjs's MomentumOptimizer.dispose leaves its learning-rate scalar: the fused path may keep
    // no more than that.
    const start = tf.memory().numTensors;
    const want = await run('cpu');
    const afterCpu = tf.memory().numTensors;
    const got = await run('wasm');
    assert.equal(tf.memory().numTensors - afterCpu, afterCpu - start, 'the fused optimizer leaks no tensors');
    for (let i = 0; i < shapes.length; i++) {
      for (let j = 0; j < want[i]!.length; j++) {
        const d = Math.abs(got[i]![j]! - want[i]![j]!);
        if (!(d <= 1e-6 * (1 + Math.abs(want[i]![j]!)))) assert.fail(`nesterov ${nesterov} wd ${weightDecay} var ${i} [${j}]: wasm ${got[i]![j]} vs cpu ${want[i]![j]}`);
      }
    }
  }
});
