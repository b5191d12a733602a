// Conv2DBackpropInput on the wasm backend (src/engine/backends/wasm/conv2dBackpropInput.ts) against
// the cpu backend.

import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, fixedCases, outShape, randomArray, randomConvCases, rng, useWasmKernels } from './harness';

useWasmKernels();

test('Conv2DBackpropInput matches cpu', async () => {
  const r = rng(12);
  for (const c of [...fixedCases, ...randomConvCases(2, 40, false)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, [1, 1], false);
    const label = `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)}`;
    await assertSameAsCpu('Conv2DBackpropInput',
      { dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) }, filter: { shape: c.f, values: randomArray(r, tf.util.sizeFromShape(c.f)) } },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }, label);
  }
});
