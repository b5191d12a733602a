// Conv2DBackpropFilter for the wasm backend, which ships none: dW = colᵀ · dy, per chunk of
// images, the product on XNNPACK (see im2col.ts). dy's rows for a chunk are contiguous, so the
// chunk is passed to the matmul as a view, without a copy; the chunks' partial sums are added
// in JS (they are only KH·KW·CI × CO each).

import {
  backend_util, Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, free, releaseView, view, type BackendWasm } from './heap';
import { geometry, im2colT, imagesPerChunk } from './im2col';
import { matmul } from './matmul';

function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat === 'NCHW') throw new Error("wasm Conv2DBackpropFilter supports only dataFormat 'NHWC'");
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const g = geometry(info);
  const K = g.KH * g.KW * g.C;
  const perImage = g.OH * g.OW;
  const nb = imagesPerChunk(g, perImage * K);

  const col = alloc(backend, [K, nb * perImage]);
  let acc: TensorInfo | undefined;
  try {
    for (let b0 = 0; b0 < g.batch; b0 += nb) {
      const n = Math.min(nb, g.batch - b0);
      const Mc = n * perImage;
      const colChunk = view(backend, col, 0, [K, Mc]);
      const dyChunk = view(backend, dy, b0 * perImage * g.CO, [Mc, g.CO]);
      try {
        im2colT(f32(backend, x), f32(backend, colChunk), b0, n, g);
        const part = matmul(backend, colChunk, dyChunk);
        if (!acc) {
          acc = part;
        } else {
          const a = f32(backend, acc);
          const p = f32(backend, part);
          for (let i = 0; i < a.length; i++) a[i]! += p[i]!;
          free(backend, part);
        }
      } finally {
        releaseView(backend, colChunk);
        releaseView(backend, dyChunk);
      }
    }
  } finally {
    free(backend, col);
  }
  return { dataId: acc!.dataId, shape: [...filterShape], dtype: 'float32' };
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
