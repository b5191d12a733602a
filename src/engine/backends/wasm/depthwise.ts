// Depthwise convolution gradients for the wasm backend (MobileNet's separable blocks), which
// ships neither. A depthwise convolution has no channel mixing, so there is no large matrix
// product to hand to XNNPACK: these are direct loops over (image, output row, tap row, output
// column, tap column) with the channels innermost, where x, dy, W and the result are all
// contiguous.

import {
  backend_util, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropFilterAttrs, type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, type BackendWasm } from './heap';
import { geometry, type ConvGeometry } from './im2col';

/**
 * Visits every (input pixel, tap, output pixel) triple of the convolution once and calls
 * `pair(xBase, dyBase, tapBase)` with the flat offsets of the input pixel's channels, the
 * output pixel's channels and the tap's [C, mult] block of the filter.
 */
function forEachPair(g: ConvGeometry, mult: number, pair: (xi: number, di: number, wi: number) => void): void {
  const { batch, H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, pt, pl } = g;
  const CM = C * mult;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const di = ((b * OH + oh) * OW + ow) * CM;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            pair(((b * H + ih) * W + iw) * C, di, (kh * KW + kw) * CM);
          }
        }
      }
    }
  }
}

function backpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: DepthwiseConv2dNativeBackpropFilterAttrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  const { strides, pad, dilations, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  const g = geometry(info);
  const C = g.C;
  const mult = filterShape[3];
  const out = alloc(backend, [...filterShape]);
  const dW = f32(backend, out);
  const xs = f32(backend, x);
  const ds = f32(backend, dy);
  dW.fill(0);
  if (mult === 1) {
    forEachPair(g, 1, (xi, di, wi) => {
      for (let c = 0; c < C; c++) dW[wi + c]! += xs[xi + c]! * ds[di + c]!;
    });
  } else {
    forEachPair(g, mult, (xi, di, wi) => {
      for (let c = 0; c < C; c++) {
        const v = xs[xi + c]!;
        const o = c * mult;
        for (let q = 0; q < mult; q++) dW[wi + o + q]! += v * ds[di + o + q]!;
      }
    });
  }
  return out;
}

function backpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: DepthwiseConv2dNativeBackpropInputAttrs }): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  const { strides, pad, dilations, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
  const g = geometry(info);
  const C = g.C;
  const mult = filter.shape[3]!;
  const out = alloc(backend, [...inputShape]);
  const dx = f32(backend, out);
  const ds = f32(backend, dy);
  const w = f32(backend, filter);
  dx.fill(0);
  if (mult === 1) {
    forEachPair(g, 1, (xi, di, wi) => {
      for (let c = 0; c < C; c++) dx[xi + c]! += ds[di + c]! * w[wi + c]!;
    });
  } else {
    forEachPair(g, mult, (xi, di, wi) => {
      for (let c = 0; c < C; c++) {
        const o = c * mult;
        let s = 0;
        for (let q = 0; q < mult; q++) s += ds[di + o + q]! * w[wi + o + q]!;
        dx[xi + c]! += s;
      }
    });
  }
  return out;
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: backpropFilter as unknown as KernelFunc,
};

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: backpropInput as unknown as KernelFunc,
};
