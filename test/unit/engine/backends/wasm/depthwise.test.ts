// The depthwise convolution gradients on the wasm backend (src/engine/backends/wasm/depthwise.ts)
// against the cpu backend.
//
// Dilation: only the depthwise kernels take it (Conv2DBackpropFilter/Input have no dilations
// attribute, and tfjs-core's gradients refuse dilation > 1 anyway), and the cpu backend's
// depthwise backprop kernels ignore it. So a dilated case is compared with the cpu kernel run
// without dilation on the equivalent filter with zeros between the taps.

import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, type ConvCase, outShape, randomArray, randomConvCases, rng, runOn, useWasmKernels } from './harness';

useWasmKernels();

const depthwiseFixed: ConvCase[] = [
  { x: [2, 8, 8, 6], f: [3, 3, 6, 1], strides: [1, 1], pad: 'same', dilations: [1, 1] },
  { x: [2, 9, 9, 4], f: [3, 3, 4, 1], strides: [2, 2], pad: 'same', dilations: [1, 1] },
  { x: [3, 10, 7, 3], f: [3, 3, 3, 2], strides: [1, 1], pad: 'valid', dilations: [2, 2] },
  { x: [2, 9, 9, 5], f: [5, 3, 5, 3], strides: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dilations: [1, 2] },
];

const isDilated = (c: ConvCase) => c.dilations[0] > 1 || c.dilations[1] > 1;

/** The shape of a filter with dilation − 1 zeros between its taps. */
function dilatedShape(f: number[], [dh, dw]: [number, number]): number[] {
  return [(f[0]! - 1) * dh + 1, (f[1]! - 1) * dw + 1, f[2]!, f[3]!];
}

/** [KH, KW, C, M] values placed at every dilation-th tap of a zero filter. */
function spreadTaps(values: Float32Array, f: number[], d: [number, number]): Float32Array {
  const big = dilatedShape(f, d);
  const inner = f[2]! * f[3]!;
  const out = new Float32Array(tf.util.sizeFromShape(big));
  for (let kh = 0; kh < f[0]!; kh++) {
    for (let kw = 0; kw < f[1]!; kw++) {
      out.set(values.subarray((kh * f[1]! + kw) * inner, (kh * f[1]! + kw + 1) * inner), (kh * d[0] * big[1]! + kw * d[1]) * inner);
    }
  }
  return out;
}

/** The inverse: the values at the real taps of a dilated-shape filter. */
function takeTaps(values: Float32Array, f: number[], d: [number, number]): Float32Array {
  const big = dilatedShape(f, d);
  const inner = f[2]! * f[3]!;
  const out = new Float32Array(tf.util.sizeFromShape(f));
  for (let kh = 0; kh < f[0]!; kh++) {
    for (let kw = 0; kw < f[1]!; kw++) {
      const from = (kh * d[0] * big[1]! + kw * d[1]) * inner;
      out.set(values.subarray(from, from + inner), (kh * f[1]! + kw) * inner);
    }
  }
  return out;
}

test('DepthwiseConv2dNativeBackpropFilter matches cpu (with dilation)', async () => {
  const r = rng(13);
  for (const c of [...depthwiseFixed, ...randomConvCases(3, 40, true)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, c.dilations, true);
    const label = `x ${c.x} f ${c.f} s ${c.strides} d ${c.dilations} pad ${JSON.stringify(c.pad)}`;
    const inputs = { x: { shape: c.x, values: randomArray(r, tf.util.sizeFromShape(c.x)) }, dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) } };
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations, filterShape: c.f };
    // Dilated: the cpu gradient for the zero-filled filter, read at the real taps.
    const undilated = async () => {
      const big = await runOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs,
        { ...attrs, dilations: [1, 1], filterShape: dilatedShape(c.f, c.dilations) });
      return { shape: c.f, values: takeTaps(big.values, c.f, c.dilations) };
    };
    await assertSameAsCpu('DepthwiseConv2dNativeBackpropFilter', inputs, attrs, label, isDilated(c) ? undilated : undefined);
  }
});

test('DepthwiseConv2dNativeBackpropInput matches cpu (with dilation)', async () => {
  const r = rng(14);
  for (const c of [...depthwiseFixed, ...randomConvCases(4, 40, true)]) {
    const dy = outShape(c.x, c.f, c.strides, c.pad, c.dilations, true);
    const label = `x ${c.x} f ${c.f} s ${c.strides} d ${c.dilations} pad ${JSON.stringify(c.pad)}`;
    const inputs = { dy: { shape: dy, values: randomArray(r, tf.util.sizeFromShape(dy)) }, filter: { shape: c.f, values: randomArray(r, tf.util.sizeFromShape(c.f)) } };
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations, inputShape: c.x };
    const undilated = () => runOn('cpu', 'DepthwiseConv2dNativeBackpropInput',
      { dy: inputs.dy, filter: { shape: dilatedShape(c.f, c.dilations), values: spreadTaps(inputs.filter.values, c.f, c.dilations) } },
      { ...attrs, dilations: [1, 1] });
    await assertSameAsCpu('DepthwiseConv2dNativeBackpropInput', inputs, attrs, label, isDilated(c) ? undilated : undefined);
  }
});
