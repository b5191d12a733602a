// MaxPool and AvgPool on the wasm backend (src/engine/backends/wasm/pool.ts) against the cpu backend.

import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, rng, useWasmKernels } from './harness';

useWasmKernels();

test('MaxPool and AvgPool match cpu: ties, odd sizes, channel vectors that overlap, geometries they leave to the backend', async () => {
  const r = rng(19);
  const pools: Array<[number[], [number, number], [number, number], 'valid' | 'same']> = [
    [[64, 24, 24, 6], [2, 2], [2, 2], 'valid'], [[2, 9, 11, 7], [2, 2], [2, 2], 'valid'], [[3, 8, 8, 8], [2, 2], [2, 2], 'same'],
    [[2, 8, 8, 4], [2, 2], [2, 2], 'valid'], [[2, 8, 8, 3], [2, 2], [2, 2], 'valid'], [[2, 9, 9, 6], [3, 3], [2, 2], 'valid'],
  ];
  for (const [shape, filterSize, strides, pad] of pools) {
    const x = { shape, values: Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => Math.round((r() * 2 - 1) * 4) / 4) };
    await assertSameAsCpu('MaxPool', { x }, { filterSize, strides, pad }, `maxPool ${shape} f ${filterSize} s ${strides} ${pad}`);
    await assertSameAsCpu('AvgPool', { x }, { filterSize, strides, pad }, `avgPool ${shape} f ${filterSize} s ${strides} ${pad}`);
  }
});
