// MaxPoolGrad and AvgPoolGrad for the wasm backend. Its own kernels take as long as a
// convolution gradient on the first pooling layer of a small model (bench/README.md).
// Both are one pass over the windows with the channels innermost (contiguous). MaxPoolGrad
// handles every geometry (see below); AvgPoolGrad the common one, non-overlapping windows
// (size = stride) without padding, where each input pixel belongs to at most one window, and
// leaves the rest to the backend's own kernel. 2×2/2 pooling over 4 or more channels runs
// generated SIMD kernels (below), faster again.

import {
  backend_util, AvgPoolGrad, MaxPoolGrad,
  type AvgPoolGradAttrs, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, type BackendWasm } from './heap';
import { eachWindow2x2, type Pool2x2 } from './pool2x2';
import { addressOf, simdKernel, WatFunction } from './simdAssembler';

/**
 * dx for 2×2/2 max pooling: each window's first maximum in row-major order (strict '>', from
 * −∞, as the cpu kernel) gets the window's gradient, the other three cells 0; a window of NaNs
 * passes none. Cells outside every window are not written.
 */
function buildMaxPoolGrad2x2(g: Pool2x2): WatFunction {
  const f = new WatFunction(3);
  const [X, DY, DX] = [0, 1, 2];
  const gi = f.i32(), delta = f.i32(), d = f.i32();
  const a = f.v128(), b = f.v128(), c = f.v128(), e = f.v128(), v = f.v128(), gv = f.v128();
  const m0 = f.v128(), m1 = f.v128(), m2 = f.v128(), m3 = f.v128();
  f.get(DX).get(X).op('i32.sub').set(delta);
  f.setFrom(gi, DY);
  eachWindow2x2(f, g, X, gi, (xi, vectors, right, down) => {
    f.get(xi).get(delta).add().set(d);
    for (const o of vectors) {
      f.get(xi).vLoad(o).set(a).get(xi).vLoad(o + right).set(b);
      f.get(xi).vLoad(o + down).set(c).get(xi).vLoad(o + down + right).set(e);
      f.get(gi).vLoad(o).set(gv);
      f.get(a).vConstF32(-Infinity).op('f32x4.gt').set(m0);
      f.get(a).vConstF32(-Infinity).get(m0).op('v128.bitselect').set(v);
      f.get(b).get(v).op('f32x4.gt').set(m1);
      f.get(b).get(v).get(m1).op('v128.bitselect').set(v);
      f.get(c).get(v).op('f32x4.gt').set(m2);
      f.get(c).get(v).get(m2).op('v128.bitselect').set(v);
      f.get(e).get(v).op('f32x4.gt').set(m3);
      // The last position whose '>' fired is the first maximum.
      f.get(d).get(gv).get(m3).op('v128.and').vStore(o + down + right);
      f.get(m2).get(m3).op('v128.andnot').set(m2);
      f.get(d).get(gv).get(m2).op('v128.and').vStore(o + down);
      f.get(m3).get(m2).op('v128.or').set(m3); // later maxima: m2 | m3
      f.get(m1).get(m3).op('v128.andnot').set(m1);
      f.get(d).get(gv).get(m1).op('v128.and').vStore(o + right);
      f.get(m3).get(m1).op('v128.or').set(m3);
      f.get(m0).get(m3).op('v128.andnot').set(m0);
      f.get(d).get(gv).get(m0).op('v128.and').vStore(o);
    }
  });
  return f;
}

/**
 * dx for 2×2/2 average pooling without padding: each window's four cells get a quarter of its
 * gradient; cells outside every window are not written.
 */
function buildAvgPoolGrad2x2(g: Pool2x2): WatFunction {
  const f = new WatFunction(2);
  const [DY, DX] = [0, 1];
  const gi = f.i32();
  const q = f.v128();
  f.setFrom(gi, DY);
  eachWindow2x2(f, g, DX, gi, (di, vectors, right, down) => {
    for (const o of vectors) {
      f.get(gi).vLoad(o).vConstF32(0.25).op('f32x4.mul').set(q);
      for (const at of [o, o + right, o + down, o + down + right]) f.get(di).get(q).vStore(at);
    }
  });
  return f;
}

const simdMaxPoolGrad2x2 = simdKernel('maxPoolGrad2x2', buildMaxPoolGrad2x2);
const simdAvgPoolGrad2x2 = simdKernel('avgPoolGrad2x2', buildAvgPoolGrad2x2);

/** The pooling geometry when windows tile the input without overlap or padding, else undefined. */
function tiling(input: TensorInfo, attrs: AvgPoolGradAttrs) {
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad);
  const { filterHeight: fh, filterWidth: fw, strideHeight, strideWidth, padInfo: p, outHeight: OH, outWidth: OW } = info;
  const [N, H, W, C] = input.shape as [number, number, number, number];
  const ok = fh === strideHeight && fw === strideWidth && p.top === 0 && p.left === 0 &&
    OH * fh <= H && OW * fw <= W && info.dilationHeight === 1 && info.dilationWidth === 1;
  return ok ? { N, H, W, C, OH, OW, fh, fw } : undefined;
}

/**
 * Any max-pooling geometry (dilation 1): each window's first maximum (row-major, strict '>',
 * as on cpu) receives the window's gradient, windows clipped to the image. The backend's own
 * MaxPoolGrad is not only slow but drops gradients of windows that reach into the padding
 * (measured: 2×2/2 'same' on a 7×7 input loses the bottom row's).
 */
function maxPoolGradFactory(base: KernelFunc): KernelFunc {
  return ((args: { inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo }; backend: BackendWasm; attrs: MaxPoolGradAttrs }) => {
    const { inputs: { dy, input }, backend, attrs } = args;
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return base(args as unknown as Parameters<KernelFunc>[0]);
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight: OH, outWidth: OW } = info;
    const { top: pt, left: pl } = info.padInfo;
    const [N, H, W, C] = input.shape as [number, number, number, number];
    const out = alloc(backend, [...input.shape]);
    const dx = f32(backend, out);
    const x = f32(backend, input);
    const g = f32(backend, dy);
    const twoByTwo = fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && 2 * OH <= H && 2 * OW <= W;
    const simd = twoByTwo && C >= 4 ? simdMaxPoolGrad2x2(backend, { N, H, W, C, OH, OW }) : undefined;
    if (simd) {
      // It writes every cell of every window; only rows or columns past the last window need zeros.
      if (2 * OH < H || 2 * OW < W) dx.fill(0);
      simd(addressOf(backend, input.dataId), addressOf(backend, dy.dataId), addressOf(backend, out.dataId));
      return out;
    }
    dx.fill(0);
    if (twoByTwo) {
      maxPoolGrad2x2(x, g, dx, N, H, W, C, OH, OW);
      return out;
    }
    const best = new Float32Array(C);
    const where = new Int32Array(C);
    for (let b = 0; b < N; b++) {
      for (let oh = 0; oh < OH; oh++) {
        const r0 = Math.max(0, oh * sh - pt);
        const r1 = Math.min(H, oh * sh - pt + fh);
        for (let ow = 0; ow < OW; ow++) {
          const c0 = Math.max(0, ow * sw - pl);
          const c1 = Math.min(W, ow * sw - pl + fw);
          best.fill(-Infinity);
          where.fill(-1);
          for (let r = r0; r < r1; r++) {
            let xi = ((b * H + r) * W + c0) * C;
            for (let col = c0; col < c1; col++) {
              for (let c = 0; c < C; c++, xi++) {
                const v = x[xi]!;
                if (v > best[c]!) { best[c] = v; where[c] = xi; }
              }
            }
          }
          const gi = ((b * OH + oh) * OW + ow) * C;
          for (let c = 0; c < C; c++) if (where[c]! >= 0) dx[where[c]!]! += g[gi + c]!;
        }
      }
    }
    return out;
  }) as unknown as KernelFunc;
}

/**
 * The common case, 2×2 windows with stride 2 and no padding, without the general loop's
 * per-window bookkeeping (several times faster: bench/README.md). Same
 * rule: the first maximum in row-major order; a window of NaNs passes no gradient.
 */
function maxPoolGrad2x2(x: Float32Array, g: Float32Array, dx: Float32Array, N: number, H: number, W: number, C: number, OH: number, OW: number): void {
  const right = C;
  const down = W * C;
  let gi = 0;
  for (let b = 0; b < N; b++) {
    for (let oh = 0; oh < OH; oh++) {
      let base = ((b * H + 2 * oh) * W) * C;
      for (let ow = 0; ow < OW; ow++, base += 2 * C) {
        for (let c = 0; c < C; c++, gi++) {
          const i = base + c;
          let m = -1;
          let v = -Infinity;
          if (x[i]! > v) { v = x[i]!; m = i; }
          if (x[i + right]! > v) { v = x[i + right]!; m = i + right; }
          if (x[i + down]! > v) { v = x[i + down]!; m = i + down; }
          if (x[i + down + right]! > v) m = i + down + right;
          if (m >= 0) dx[m] = g[gi]!;
        }
      }
    }
  }
}

function avgPoolGradFactory(base: KernelFunc): KernelFunc {
  return ((args: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: BackendWasm; attrs: AvgPoolGradAttrs }) => {
    const { inputs: { dy, input }, backend, attrs } = args;
    const t = tiling(input, attrs);
    if (!t) return base(args as unknown as Parameters<KernelFunc>[0]);
    const { N, H, W, C, OH, OW, fh, fw } = t;
    const out = alloc(backend, [...input.shape]);
    const dx = f32(backend, out);
    const g = f32(backend, dy);
    const simd = fh === 2 && fw === 2 && C >= 4 ? simdAvgPoolGrad2x2(backend, { N, H, W, C, OH, OW }) : undefined;
    if (simd) {
      if (2 * OH < H || 2 * OW < W) dx.fill(0);
      simd(addressOf(backend, dy.dataId), addressOf(backend, out.dataId));
      return out;
    }
    dx.fill(0); // rows/columns past the last window get no gradient
    const scale = 1 / (fh * fw);
    for (let b = 0; b < N; b++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let i = 0; i < fh; i++) {
          let d = ((b * H + oh * fh + i) * W) * C;
          let gi = ((b * OH + oh) * OW) * C;
          for (let ow = 0; ow < OW; ow++, gi += C) {
            for (let j = 0; j < fw; j++) {
              for (let c = 0; c < C; c++) dx[d++] = g[gi + c]! * scale;
            }
          }
        }
      }
    }
    return out;
  }) as unknown as KernelFunc;
}

export function maxPoolGradConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelName: MaxPoolGrad, kernelFunc: maxPoolGradFactory(base.kernelFunc) };
}

export function avgPoolGradConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelName: AvgPoolGrad, kernelFunc: avgPoolGradFactory(base.kernelFunc) };
}
