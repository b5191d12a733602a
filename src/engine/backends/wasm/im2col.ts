// The layout transforms that turn convolution gradients into matrix products, on NHWC data:
//   filter gradient  dW[K, CO] = colᵀ[K, M] · dy[M, CO]
//   input gradient   dcol[M, K] = dy[M, CO] · Wᵀ[CO, K], then col2im scatters dcol into dx
// with M = images·OH·OW output positions and K = KH·KW·CI taps. They run on a chunk of images
// at a time, so the chunk's inputs and its column matrix stay in cache and the temporary
// memory is bounded whatever the batch size.

import type { backend_util } from '@tensorflow/tfjs-core';

/** The numbers of one NHWC convolution that the transforms need. */
export interface ConvGeometry {
  batch: number;
  H: number; W: number; C: number;
  OH: number; OW: number; CO: number;
  KH: number; KW: number;
  sh: number; sw: number;
  dh: number; dw: number;
  /** Padding before the first row / column (the rest is implied by OH, OW). */
  pt: number; pl: number;
}

export function geometry(info: backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    H: info.inHeight, W: info.inWidth, C: info.inChannels,
    OH: info.outHeight, OW: info.outWidth, CO: info.outChannels,
    KH: info.filterHeight, KW: info.filterWidth,
    sh: info.strideHeight, sw: info.strideWidth,
    dh: info.dilationHeight, dw: info.dilationWidth,
    pt: info.padInfo.top, pl: info.padInfo.left,
  };
}

/** Column matrices of about this many floats (4 MiB): big enough to amortise each matmul call. */
const CHUNK_FLOATS = 1 << 20;

/** How many images per chunk for a column matrix of `perImage` floats per image. */
export function imagesPerChunk(g: ConvGeometry, perImage: number): number {
  return Math.max(1, Math.min(g.batch, Math.floor(CHUNK_FLOATS / Math.max(1, perImage))));
}

/** The output columns [lo, hi) whose input column ow·sw + kw·dw − pl lies inside the image. */
function validRange(out: number, stride: number, tap: number, pad: number, size: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - tap) / stride));
  const hi = Math.min(out, Math.floor((size - 1 + pad - tap) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * colᵀ for images [b0, b0 + nb): col[r·Mc + m], row r = (kh, kw, ci), column m = (b, oh, ow).
 * Rows are written one after the other (contiguous writes); reads stride through x but stay
 * within the chunk's images.
 */
export function im2colT(x: Float32Array, col: Float32Array, b0: number, nb: number, g: ConvGeometry): void {
  const { H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, pt, pl } = g;
  const Mc = nb * OH * OW;
  const xStep = sw * C;
  let r = 0;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const [lo, hi] = validRange(OW, sw, kw * dw, pl, W);
      for (let ci = 0; ci < C; ci++, r++) {
        let o = r * Mc;
        for (let b = b0; b < b0 + nb; b++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh * dh - pt;
            if (ih < 0 || ih >= H) {
              col.fill(0, o, o + OW);
              o += OW;
              continue;
            }
            for (let ow = 0; ow < lo; ow++) col[o + ow] = 0;
            let xi = ((b * H + ih) * W + lo * sw + kw * dw - pl) * C + ci;
            for (let ow = lo; ow < hi; ow++, xi += xStep) col[o + ow] = x[xi]!;
            for (let ow = hi; ow < OW; ow++) col[o + ow] = 0;
            o += OW;
          }
        }
      }
    }
  }
}

/**
 * Adds dcol ([Mc, K] for images [b0, b0 + nb), K = (kh, kw, ci)) into dx at the input
 * positions each tap read from. Inner loops run over channels, contiguous on both sides.
 */
export function col2imAdd(dcol: Float32Array, dx: Float32Array, b0: number, nb: number, g: ConvGeometry): void {
  const { H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, pt, pl } = g;
  const K = KH * KW * C;
  let src = 0;
  for (let b = b0; b < b0 + nb; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, src += K) {
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) continue;
          const rowBase = (b * H + ih) * W;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            let d = (rowBase + iw) * C;
            let s = src + (kh * KW + kw) * C;
            for (let c = 0; c < C; c++) dx[d++]! += dcol[s++]!;
          }
        }
      }
    }
  }
}

/** A zero-padded copy's layout: images of Hp × Wp, the source's pixel (r, c) at (r + pt, c + pl). */
export interface PaddedLayout { N: number; H: number; W: number; Hp: number; Wp: number; pt: number; pl: number }

/**
 * One-channel images x [N, H, W] written into dst [N, Hp, Wp] at offset (pt, pl), zeros
 * everywhere else; the parts of x past dst's edges are left out.
 */
export function padImages(x: Float32Array, dst: Float32Array, p: PaddedLayout): void {
  const { N, H, W, Hp, Wp, pt, pl } = p;
  dst.fill(0, 0, N * Hp * Wp);
  const c0 = Math.max(0, pl), c1 = Math.min(Wp, W + pl);
  for (let b = 0; b < N; b++) {
    for (let r = Math.max(0, pt); r < Math.min(Hp, H + pt); r++) {
      const src = (b * H + r - pt) * W - pl;
      dst.set(x.subarray(src + c0, src + c1), (b * Hp + r) * Wp + c0);
    }
  }
}
