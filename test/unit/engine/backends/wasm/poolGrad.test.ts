// MaxPoolGrad and AvgPoolGrad on the wasm backend (src/engine/backends/wasm/poolGrad.ts) against the
// cpu backend.

import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, randomArray, rng, useWasmKernels } from './harness';

useWasmKernels();

test('MaxPoolGrad and AvgPoolGrad match cpu: tiling, overlapping and padded windows', async () => {
  const r = rng(17);
  // [input shape, filter, strides, pad]: tiling 2×2/2, 3×3/3 and 2×3/(2,3) with sizes that leave
  // rows and columns over; then overlapping (3×3/2) and padded ('same' with odd sizes).
  const cases: Array<[number[], [number, number], [number, number], 'valid' | 'same' | number]> = [
    [[3, 8, 8, 5], [2, 2], [2, 2], 'valid'], [[2, 9, 7, 3], [2, 2], [2, 2], 'valid'], [[2, 9, 9, 2], [3, 3], [3, 3], 'valid'],
    [[2, 8, 9, 4], [2, 3], [2, 3], 'valid'], [[2, 8, 8, 6], [2, 2], [2, 2], 'same'], [[2, 6, 6, 1], [2, 2], [2, 2], 0],
    [[2, 9, 9, 3], [3, 3], [2, 2], 'valid'], [[2, 7, 7, 3], [2, 2], [2, 2], 'same'], [[2, 8, 8, 3], [3, 3], [1, 1], 'same'],
    [[2, 7, 7, 2], [3, 3], [3, 3], 'same'], [[2, 9, 8, 4], [3, 3], [2, 2], 'same'], [[1, 6, 7, 3], [2, 3], [1, 2], 1],
    // 2×2/2 with 4 or more channels (the SIMD kernel): multiples of 4, a last vector that
    // overlaps the one before (7, 6), odd sizes that leave a row and a column outside every window.
    [[2, 8, 8, 4], [2, 2], [2, 2], 'valid'], [[2, 9, 11, 7], [2, 2], [2, 2], 'valid'], [[3, 6, 6, 8], [2, 2], [2, 2], 'valid'],
    [[2, 24, 24, 6], [2, 2], [2, 2], 'valid'],
  ];
  for (const [shape, filterSize, strides, pad] of cases) {
    // Quarter steps: many ties inside windows, where the first maximum must win (as on cpu).
    const x = Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => Math.round((r() * 2 - 1) * 4) / 4);
    await tf.setBackend('cpu');
    const y = tf.maxPool(tf.tensor4d(x, shape as [number, number, number, number]), filterSize, strides, pad);
    const output = { shape: y.shape, values: (await y.data()) as Float32Array };
    y.dispose();
    const dy = { shape: output.shape, values: randomArray(r, output.values.length) };
    const label = `x ${shape} f ${filterSize} s ${strides} pad ${pad}`;
    await assertSameAsCpu('MaxPoolGrad', { dy, input: { shape, values: x }, output }, { filterSize, strides, pad }, `max ${label}`);
    await assertSameAsCpu('AvgPoolGrad', { dy, input: { shape, values: x } }, { filterSize, strides, pad }, `avg ${label}`);
  }
});
