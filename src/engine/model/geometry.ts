// Pure size arithmetic shared by the custom layers: how much to pad where, and PyTorch's
// pooling rules. Kept apart from tfjs so it can be read (and tested) as plain numbers.
import type { Pair, PaddingSpec } from '../../dsl/ir';

/** Explicit padding [top, bottom, left, right]. */
export type Pads = [number, number, number, number];

/** Effective kernel extent once dilated: d·(k−1)+1. */
export function effectiveKernel(k: number, d: number): number {
  return d * (k - 1) + 1;
}

/**
 * Pads for one axis: numeric = symmetric (PyTorch's `padding=`); 'valid' = none; 'same' = exactly
 * TensorFlow's rule (total max((⌈in/s⌉−1)·s + k' − in, 0), the odd one on the bottom/right).
 */
function axisPads(spec: PaddingSpec, axis: 0 | 1, size: number, k: number, s: number, d: number): [number, number] {
  if (spec === 'valid') return [0, 0];
  if (spec === 'same') {
    const total = Math.max((Math.ceil(size / s) - 1) * s + effectiveKernel(k, d) - size, 0);
    const before = Math.floor(total / 2);
    return [before, total - before];
  }
  return [spec[axis], spec[axis]];
}

export function convPads(spec: PaddingSpec, inHW: Pair, kernel: Pair, stride: Pair, dilation: Pair): Pads {
  const [t, b] = axisPads(spec, 0, inHW[0], kernel[0], stride[0], dilation[0]);
  const [l, r] = axisPads(spec, 1, inHW[1], kernel[1], stride[1], dilation[1]);
  return [t, b, l, r];
}

/** Output size of a padded, strided window over one axis (floor, as convolutions). */
export function convOut(size: number, before: number, after: number, k: number, s: number, d: number): number {
  return Math.floor((size + before + after - effectiveKernel(k, d)) / s) + 1;
}

/**
 * PyTorch's pooling output size on one axis: ⌊ or ⌈ (in + 2p − k)/s ⌋ + 1, where in ceil mode
 * the last window must start inside the input or the left padding.
 */
export function poolOut(size: number, pad: number, k: number, s: number, ceilMode: boolean): number {
  const span = size + 2 * pad - k;
  let out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && (out - 1) * s >= size + pad) out--;
  return out;
}

/**
 * Pooling padding on one axis: the symmetric `pad`, plus (ceil mode) the overhang the last window
 * needs beyond the bottom/right padding. Returns [before, after, overhang].
 */
export function poolAxisPads(size: number, pad: number, k: number, s: number, ceilMode: boolean): [number, number, number] {
  const out = poolOut(size, pad, k, s, ceilMode);
  const needed = (out - 1) * s + k;
  const overhang = Math.max(0, needed - (size + 2 * pad));
  return [pad, pad + overhang, overhang];
}

/**
 * For average pooling: how many cells of each window lie inside the zero-padded input (PyTorch
 * counts padded zeros but not the ceil-mode overhang). One entry per output position on the axis.
 */
export function poolDivisors(size: number, pad: number, k: number, s: number, ceilMode: boolean): number[] {
  const out = poolOut(size, pad, k, s, ceilMode);
  const limit = size + 2 * pad; // in padded coordinates
  const divisors: number[] = [];
  for (let i = 0; i < out; i++) {
    const start = i * s;
    divisors.push(Math.min(start + k, limit) - start);
  }
  return divisors;
}

/** PyTorch's adaptive pooling bins: [⌊i·in/out⌋, ⌈(i+1)·in/out⌉) for each output index. */
export function adaptiveBins(size: number, out: number): [number, number][] {
  const bins: [number, number][] = [];
  for (let i = 0; i < out; i++) {
    bins.push([Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
  }
  return bins;
}
