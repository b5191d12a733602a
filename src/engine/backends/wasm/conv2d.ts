// Conv2D and FusedConv2D for the wasm backend on one input channel (a first layer on grey
// images): XNNPACK gathers a convolution's input through one pointer per output position and
// tap, which with a single float behind each pointer is most of the work, and it rebuilds those
// pointers at every training step (the filter is a new tensor after each update). Here each
// output column's KW taps (contiguous in the row) are first copied out as KW channels
// (x' [N, H, OW, KW], a SIMD copy: unfoldColumns below), which makes it a KH×1 convolution over KW channels whose
// filter is the same memory viewed as [KH, 1, KW, CO]; the backend's own kernel (XNNPACK, with
// bias and activation fused as before) runs that one, on every thread, with KW times fewer
// pointers: faster on first layers over grey images (bench/README.md). With 2 or more channels
// the copy costs more than it saves, and those go to the backend's kernel unchanged.

import {
  backend_util, util,
  type Conv2DAttrs, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, free, type BackendWasm } from './heap';
import { padImages } from './im2col';
import { addressOf, simdKernel, WatFunction } from './simdAssembler';

/** Geometry of unfoldColumns: rows of `columns` windows of L floats, `step` floats apart. */
interface UnfoldColumns { rows: number; columns: number; L: number; step: number; srcRowStride: number }

/**
 * dst[r, c, i] = src[r·srcRowStride + c·step + i] for i < L: each output column's window of a
 * row (its KW taps on a one-channel image) copied out as a row of L channels.
 */
function buildUnfoldColumns(g: UnfoldColumns): WatFunction {
  const { rows, columns, L, step, srcRowStride } = g;
  const f = new WatFunction(2);
  const [SRC, DST] = [0, 1];
  const row = f.i32(), sp = f.i32(), dp = f.i32();
  f.setFrom(row, SRC).setFrom(dp, DST);
  f.repeat(rows, () => {
    f.setFrom(sp, row);
    f.repeat(columns, () => {
      for (let i = 0; i + 4 <= L; i += 4) f.get(dp).get(sp).vLoad(i * 4).vStore(i * 4);
      if (L % 4 && L > 4) f.get(dp).get(sp).vLoad((L - 4) * 4).vStore((L - 4) * 4);
      if (L < 4) for (let i = 0; i < L; i++) f.get(dp).get(sp).f32Load(i * 4).f32Store(i * 4);
      f.inc(sp, step * 4).inc(dp, L * 4);
    });
    f.inc(row, srcRowStride * 4);
  });
  return f;
}

const simdUnfoldColumns = simdKernel('unfoldColumns', buildUnfoldColumns);

/** The unfolded input's largest size in floats (64 MiB): past it, the backend's kernel. */
const MAX_UNFOLDED = 1 << 24;

/** Conv2D's arguments, or FusedConv2D's (which adds bias and activation inputs and attributes). */
type Args = { inputs: { x: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DAttrs };

/** The unfolded route's output through `base`, or undefined where `base` is to run as it is. */
function unfolded(args: Args, base: KernelFunc): TensorInfo | undefined {
  const { inputs: { x, filter }, backend, attrs } = args;
  if (x.dtype !== 'float32' || attrs.dataFormat === 'NCHW' || x.shape[3] !== 1) return undefined;
  const [N, H, W] = x.shape as [number, number, number, number];
  const info = backend_util.computeConv2DInfo([N, H, W, 1], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { filterHeight: KH, filterWidth: KW, outHeight: OH, outWidth: OW, outChannels: CO, strideHeight: sh, strideWidth: sw } = info;
  if (KW === 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1 || N * H * OW * KW > MAX_UNFOLDED) return undefined;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  // Rows the convolution reads below the image, as implied by the output height.
  const pb = Math.max(0, (OH - 1) * sh + KH - H - pt);
  // Columns the windows span; they are read from x itself when they all lie inside it.
  const Ws = (OW - 1) * sw + KW;
  const inPlace = pl === 0 && Ws <= W;
  const unfold = simdUnfoldColumns(backend, { rows: N * H, columns: OW, L: KW, step: sw, srcRowStride: inPlace ? W : Ws });
  if (!unfold) return undefined;
  const padded = inPlace ? undefined : alloc(backend, [N * H * Ws]);
  const cols = alloc(backend, [N, H, OW, KW]);
  try {
    if (padded) padImages(f32(backend, x), f32(backend, padded), { N, H, W, Hp: H, Wp: Ws, pt: 0, pl });
    unfold(addressOf(backend, (padded ?? x).dataId), addressOf(backend, cols.dataId));
    const filterAsRows = { dataId: filter.dataId, shape: [KH, 1, KW, CO], dtype: filter.dtype };
    const out = base({
      inputs: { ...args.inputs, x: cols, filter: filterAsRows }, backend,
      attrs: { ...attrs, strides: [sh, 1], dilations: 1, pad: [[0, 0], [pt, pb], [0, 0], [0, 0]] },
    } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    util.assert(out.shape[1] === OH && out.shape[2] === OW, () => `unfolded Conv2D: output ${out.shape}, expected ${[N, OH, OW, CO]}`);
    return out;
  } finally {
    if (padded) free(backend, padded);
    free(backend, cols);
  }
}

/** Conv2D or FusedConv2D (`base`, the backend's kernel) with the unfolded route in front. */
export function unfoldingConvConfig(base: KernelConfig): KernelConfig {
  const kernelFunc = ((args: Args) => unfolded(args, base.kernelFunc) ?? base.kernelFunc(args as unknown as Parameters<KernelFunc>[0])) as unknown as KernelFunc;
  return { ...base, kernelFunc };
}
