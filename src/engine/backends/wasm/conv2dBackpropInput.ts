// Conv2DBackpropInput for the wasm backend. Its own kernel is a direct loop (26 ms for LeNet's
// second convolution at batch 64); this one computes dcol = dy · Wᵀ per chunk of images on
// XNNPACK and scatters it into dx with col2im (see im2col.ts). Wᵀ is the same tensor for every
// chunk, so XNNPACK packs it once.

import {
  backend_util, Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, free, releaseView, view, type BackendWasm } from './heap';
import { col2imAdd, geometry, imagesPerChunk } from './im2col';
import { matmul, transpose2d } from './matmul';

function conv2DBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat === 'NCHW') throw new Error("wasm Conv2DBackpropInput supports only dataFormat 'NHWC'");
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const g = geometry(info);
  const K = g.KH * g.KW * g.C;
  const perImage = g.OH * g.OW;
  const nb = imagesPerChunk(g, perImage * K);

  const dx = alloc(backend, [...inputShape]);
  const wT = alloc(backend, [g.CO, K]);
  try {
    f32(backend, dx).fill(0);
    // The filter [KH, KW, CI, CO] is a [K, CO] matrix; the product needs [CO, K].
    transpose2d(f32(backend, filter), f32(backend, wT), K, g.CO);
    for (let b0 = 0; b0 < g.batch; b0 += nb) {
      const n = Math.min(nb, g.batch - b0);
      const dyChunk = view(backend, dy, b0 * perImage * g.CO, [n * perImage, g.CO]);
      try {
        const dcol = matmul(backend, dyChunk, wT);
        col2imAdd(f32(backend, dcol), f32(backend, dx), b0, n, g);
        free(backend, dcol);
      } finally {
        releaseView(backend, dyChunk);
      }
    }
  } catch (e) {
    free(backend, dx);
    throw e;
  } finally {
    free(backend, wT);
  }
  return dx;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
