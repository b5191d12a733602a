// Sum, Mean and Add on the wasm backend (src/engine/backends/wasm/channelOps.ts) against the cpu backend.

import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, randomArray, rng, useWasmKernels } from './harness';

useWasmKernels();

test('Sum and Mean over all axes but the last, and Add of a per-channel vector, match cpu', async () => {
  const r = rng(18);
  // Channel counts whose blocks (a multiple of 4 and of C floats) are 4, 12, 20, 28, 100 and 64
  // floats; sizes that leave a tail after the last block; a tensor under the size threshold;
  // channel counts past one block (256, 512, 132: summed a strip of channels at a time).
  const shapes = [[64, 24, 24, 6], [3, 7, 5, 3], [2, 9, 9, 5], [5, 13, 7], [40, 50], [8, 9, 9, 16], [30, 70, 1], [2, 3, 6], [7, 11, 64],
    [4, 4, 4, 256], [3, 2, 2, 512], [5, 3, 132], [600, 4, 4]];
  for (const shape of shapes) {
    const C = shape[shape.length - 1]!;
    const x = { shape, values: randomArray(r, tf.util.sizeFromShape(shape)) };
    const axes = shape.slice(0, -1).map((_, i) => i);
    for (const keepDims of [false, true]) {
      await assertSameAsCpu('Sum', { x }, { axis: axes, keepDims }, `sum ${shape} keepDims ${keepDims}`);
      await assertSameAsCpu('Mean', { x }, { axis: axes, keepDims }, `mean ${shape} keepDims ${keepDims}`);
    }
    // Negative axes name the same reduction.
    await assertSameAsCpu('Sum', { x }, { axis: axes.map((a) => a - shape.length), keepDims: false }, `sum ${shape} negative axes`);
    const bias = { shape: [C], values: randomArray(r, C) };
    const bias3 = { shape: [...shape.slice(0, -1).map(() => 1), C], values: bias.values };
    await assertSameAsCpu('Add', { a: x, b: bias }, {}, `add ${shape} + [C]`);
    await assertSameAsCpu('Add', { a: bias3, b: x }, {}, `add [1…, C] + ${shape}`);
  }
  // BatchNorm's statistics on a batch of positive activations: 64·32·32 values a channel, summed
  // over several kernel calls.
  const relu = { shape: [64, 32, 32, 8], values: randomArray(r, 64 * 32 * 32 * 8).map((v) => Math.abs(v) + 3) };
  await assertSameAsCpu('Mean', { x: relu }, { axis: [0, 1, 2], keepDims: true }, 'mean of a batch of activations');
  await assertSameAsCpu('Sum', { x: relu }, { axis: [0, 1, 2], keepDims: false }, 'sum of a batch of activations');
  // Other reductions and broadcasts keep the backend's kernels.
  const x = { shape: [6, 40, 12], values: randomArray(r, 6 * 40 * 12) };
  await assertSameAsCpu('Sum', { x }, { axis: [1, 2], keepDims: false }, 'sum inner axes');
  await assertSameAsCpu('Sum', { x }, { axis: [0, 2], keepDims: true }, 'sum axes 0, 2');
  await assertSameAsCpu('Mean', { x }, { axis: [1], keepDims: false }, 'mean axis 1');
  await assertSameAsCpu('Add', { a: x, b: { shape: [6, 1, 12], values: randomArray(r, 72) } }, {}, 'add [6, 1, 12]');
});
