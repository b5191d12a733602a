// Conv2DBackpropFilter for the wasm backend, which ships none. A single input channel with
// stride 1 (a first layer on grey images) runs a generated SIMD kernel (below), faster there
// (bench/README.md) because XNNPACK's convolution has only a filter's few outputs (5×5 of 6
// channels on the small CNN) to split its work over. Otherwise two routes, both on XNNPACK:
// - stride 1: the gradient is itself a convolution, of x with batch and channels swapped
//   ([CI, H, W, N]) by dy as the filter ([OH, OW, N, CO]), giving [CI, KH, KW, CO]; faster than
//   the matmul route (no column matrix is written);
// - otherwise dW = colᵀ · dy per chunk of images (see im2col.ts). dy's rows for a chunk are
//   contiguous, so the chunk goes to the matmul as a view, without a copy; the chunks' partial
//   sums are added in JS (they are only KH·KW·CI × CO each).

import {
  backend_util, Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, free, releaseView, view, type BackendWasm } from './heap';
import { geometry, im2colT, imagesPerChunk, padImages, type ConvGeometry } from './im2col';
import { matmul } from './matmul';
import { addressOf, simdKernel, WatFunction } from './simdAssembler';
import { conv2d, transpose } from './xnn';

/** Geometry of the single-input-channel, stride-1 filter gradient (see filterGradC1). */
interface FilterGradC1 {
  N: number; OH: number; OW: number; CO: number; KH: number; KW: number;
  /** OW rounded up to a multiple of 4. */
  OWp: number;
  /** Row length and image size (floats) of the zero-padded input the kernel reads. */
  rowStride: number; imageStride: number;
}

/** Unrolled multiply-adds per output row: past this the code grows too big to pay. */
const MAX_FILTER_GRAD_C1_UNROLL = 96;

/**
 * dW[kh, kw, co] (as 4 partial sums per tap and channel, at acc) for a C = 1, stride-1
 * convolution: x is the input padded so that every tap reads inside it ([N, ·, rowStride]),
 * dy is [N, OH, OW, CO], t is scratch for one image's dy transposed to [OH, CO, OWp] whose
 * columns OW..OWp must be zero on entry. Per image and tap, each output channel's accumulator
 * stays in a register over the image's rows: x's row segment (OWp wide) times dyᵀ's row.
 */
function buildFilterGradC1(g: FilterGradC1): WatFunction {
  const { N, OH, OW, CO, KH, KW, OWp, rowStride, imageStride } = g;
  const V = OWp / 4;
  const f = new WatFunction(4);
  const [X, DY, ACC, T] = [0, 1, 2, 3];
  const xImg = f.i32(), dyp = f.i32(), tp = f.i32(), ap = f.i32(), xTap = f.i32(), xr = f.i32(), tr = f.i32(), xRowTap = f.i32();
  const acc = Array.from({ length: CO }, () => f.v128());
  const xv = Array.from({ length: V }, () => f.v128());
  // Zero the accumulators.
  f.setFrom(ap, ACC);
  f.repeat(KH * KW * CO, () => { f.get(ap).vConstF32(0).vStore(0).inc(ap, 16); });
  f.setFrom(xImg, X).setFrom(dyp, DY);
  f.repeat(N, () => {
    // dy of this image, transposed: t[oh][co][ow] = dy[oh][ow][co].
    f.setFrom(tr, T);
    f.repeat(OH, () => {
      f.setFrom(tp, tr);
      f.repeat(OW, () => {
        for (let co = 0; co < CO; co++) f.get(tp).get(dyp).f32Load(co * 4).f32Store(co * OWp * 4);
        f.inc(tp, 4).inc(dyp, CO * 4);
      });
      f.inc(tr, CO * OWp * 4);
    });
    f.setFrom(ap, ACC).setFrom(xTap, xImg);
    f.repeat(KH, () => {
      f.setFrom(xRowTap, xTap);
      f.repeat(KW, () => {
        for (let co = 0; co < CO; co++) f.get(ap).vLoad(co * 16).set(acc[co]!);
        f.setFrom(xr, xRowTap).setFrom(tr, T);
        f.repeat(OH, () => {
          for (let j = 0; j < V; j++) f.get(xr).vLoad(j * 16).set(xv[j]!);
          for (let co = 0; co < CO; co++) {
            f.get(acc[co]!);
            for (let j = 0; j < V; j++) f.get(xv[j]!).get(tr).vLoad((co * OWp + j * 4) * 4).op('f32x4.mul').op('f32x4.add');
            f.set(acc[co]!);
          }
          f.inc(xr, rowStride * 4).inc(tr, CO * OWp * 4);
        });
        for (let co = 0; co < CO; co++) f.get(ap).get(acc[co]!).vStore(co * 16);
        f.inc(ap, CO * 16).inc(xRowTap, 4);
      });
      f.inc(xTap, rowStride * 4);
    });
    f.inc(xImg, imageStride * 4);
  });
  return f;
}

const simdFilterGradC1 = simdKernel('filterGradC1', buildFilterGradC1);

function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat === 'NCHW') throw new Error("wasm Conv2DBackpropFilter supports only dataFormat 'NHWC'");
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const g = geometry(info);
  // Bottom/right padding as implied by the output size: tfjs sizes a numeric `pad` with the
  // filter height for both axes, so padInfo.bottom/right can disagree with the real geometry.
  const pads: [number, number, number, number] = [g.pt, g.OH - 1 + g.KH - g.H - g.pt, g.pl, g.OW - 1 + g.KW - g.W - g.pl];
  if (g.C === 1 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1) {
    const out = singleChannel(backend, x, dy, g, filterShape);
    if (out) return out;
  }
  if (g.sh === 1 && g.sw === 1 && pads.every((v) => v >= 0)) return viaConvolution(backend, x, dy, pads);
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

/**
 * One input channel, stride 1 (a network's first layer on grey images): a generated SIMD
 * kernel (filterGradC1) over the input zero-padded to the taps' reach, copied only when the input
 * itself does not have that layout. Undefined when the kernel cannot run or would be too big.
 */
function singleChannel(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, g: ConvGeometry, filterShape: number[]): TensorInfo | undefined {
  const { batch: N, H, W, OH, OW, CO, KH, KW, pt, pl } = g;
  const OWp = Math.ceil(OW / 4) * 4;
  if ((OWp / 4) * CO > MAX_FILTER_GRAD_C1_UNROLL) return undefined;
  const Hp = OH + KH - 1;
  const Wp = OWp + KW - 1;
  const simd = simdFilterGradC1(backend, { N, OH, OW, CO, KH, KW, OWp, rowStride: Wp, imageStride: Hp * Wp });
  if (!simd) return undefined;
  const direct = pt === 0 && pl === 0 && H === Hp && W === Wp;
  const accFloats = KH * KW * CO * 4;
  const tFloats = OH * CO * OWp;
  const scratch = alloc(backend, [accFloats + tFloats + (direct ? 0 : N * Hp * Wp)]);
  const out = alloc(backend, [...filterShape]);
  try {
    const s = f32(backend, scratch);
    s.fill(0, accFloats, accFloats + tFloats);
    const base = addressOf(backend, scratch.dataId);
    let xAddr = addressOf(backend, x.dataId);
    if (!direct) {
      padImages(f32(backend, x), s.subarray(accFloats + tFloats), { N, H, W, Hp, Wp, pt, pl });
      xAddr = base + (accFloats + tFloats) * 4;
    }
    simd(xAddr, addressOf(backend, dy.dataId), base, base + accFloats * 4);
    const acc = f32(backend, scratch);
    const dw = f32(backend, out);
    for (let i = 0, a = 0; i < dw.length; i++, a += 4) dw[i] = acc[a]! + acc[a + 1]! + acc[a + 2]! + acc[a + 3]!;
    return out;
  } finally {
    free(backend, scratch);
  }
}

/**
 * x [N, H, W, C] as [C, H, W, N]. The backend's Transpose walks this permutation element by
 * element in its general loop; here each pixel's [N, C] matrix is transposed with sequential
 * writes, its N source rows (one per image) staying in cache while every channel reads them.
 */
function swapImagesAndChannels(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const P = H * W;
  const out = alloc(backend, [C, H, W, N]);
  const src = f32(backend, x);
  const dst = f32(backend, out);
  const imageStride = P * C;
  for (let p = 0; p < P; p++) {
    for (let c = 0; c < C; c++) {
      let s = p * C + c;
      let d = (c * P + p) * N;
      for (let n = 0; n < N; n++, s += imageStride) dst[d++] = src[s]!;
    }
  }
  return out;
}

function viaConvolution(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, pads: [number, number, number, number]): TensorInfo {
  const xT = swapImagesAndChannels(backend, x);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  try {
    const out = conv2d(backend, xT, dyT, pads);
    try {
      // [CI, KH, KW, CO] → [KH, KW, CI, CO]
      return transpose(backend, out, [1, 2, 0, 3]);
    } finally {
      free(backend, out);
    }
  } finally {
    free(backend, xT);
    free(backend, dyT);
  }
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
