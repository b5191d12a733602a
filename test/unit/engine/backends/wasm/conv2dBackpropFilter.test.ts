// Conv2DBackpropFilter on the wasm backend (src/engine/backends/wasm/conv2dBackpropFilter.ts) against
// the cpu backend.

import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, fixedCases, outShape, randomArray, randomConvCases, randomSingleChannelCases, rng, useWasmKernels } from './harness';

useWasmKernels();

test('Conv2DBackpropFilter matches cpu', async () => {
  const r = rng(11);
  for (const c of [...fixedCases, ...randomConvCases(1, 40, false), ...randomSingleChannelCases(5, 30)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, [1, 1], false);
    const label = `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)}`;
    await assertSameAsCpu('Conv2DBackpropFilter',
      { x: { shape: c.x, values: randomArray(r, tf.util.sizeFromShape(c.x)) }, dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) } },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }, label);
  }
});
