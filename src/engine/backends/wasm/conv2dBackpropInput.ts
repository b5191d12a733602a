// Conv2DBackpropInput for the wasm backend. Its own kernel is a direct loop, slow on training's
// shapes (bench/README.md). Two routes, both on XNNPACK:
// - stride 1: dx is the convolution of dy by the filter turned 180° with its in/out channels
//   swapped, padded by KH−1−top etc. (the "full" correlation): no column matrix at all;
// - otherwise dcol = dy · Wᵀ per chunk of images, scattered into dx with col2im (see
//   im2col.ts). Wᵀ is the same tensor for every chunk, so XNNPACK packs it once.

import {
  backend_util, Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, free, releaseView, view, type BackendWasm } from './heap';
import { col2imAdd, geometry, imagesPerChunk, type ConvGeometry } from './im2col';
import { matmul, transpose2d } from './matmul';
import { conv2d, depthwiseConv2d, sumLastAxis } from './xnn';

function conv2DBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat === 'NCHW') throw new Error("wasm Conv2DBackpropInput supports only dataFormat 'NHWC'");
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const g = geometry(info);
  // The "full" padding, bottom/right as implied by the output size (tfjs sizes a numeric `pad`
  // with the filter height for both axes, so padInfo.bottom/right can disagree).
  const pads: [number, number, number, number] = [g.KH - 1 - g.pt, g.H - g.OH + g.pt, g.KW - 1 - g.pl, g.W - g.OW + g.pl];
  if (g.sh === 1 && g.sw === 1 && pads.every((v) => v >= 0)) return viaConvolution(backend, dy, filter, g, pads);
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

function viaConvolution(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry, pads: [number, number, number, number]): TensorInfo {
  const { KH, KW, C, CO } = g;
  const rotated = alloc(backend, [KH, KW, CO, C]);
  const w = f32(backend, filter);
  const r = f32(backend, rotated);
  // rotated[KH−1−kh, KW−1−kw, co, ci] = filter[kh, kw, ci, co]
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const src = (kh * KW + kw) * C * CO;
      const dst = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CO * C;
      for (let ci = 0; ci < C; ci++) {
        for (let co = 0; co < CO; co++) r[dst + co * C + ci] = w[src + ci * CO + co]!;
      }
    }
  }
  try {
    if (C > 1) return conv2d(backend, dy, rotated, pads);
    // One input channel (a first layer on grey images: its dx is computed, and thrown away,
    // because tfjs's fused conv gradient always computes both): a convolution with a single
    // output channel wastes XNNPACK's SIMD lanes; a depthwise convolution over dy's CO
    // channels, then their sum, is faster (bench/README.md).
    const perChannel = depthwiseConv2d(backend, dy, rotated, pads);
    try {
      return sumLastAxis(backend, perChannel);
    } finally {
      free(backend, perChannel);
    }
  } finally {
    free(backend, rotated);
  }
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
