// The custom layers' sizes as plain numbers, kept apart from tfjs. How much to pad where and how
// many outputs follow is analysis' rule (src/analysis/geometry.ts), so that the built model is
// the model the summary describes; what is only the builder's (4-sided pads, the average pool's
// divisors, adaptive bins) is derived here from it.
import { axisGeometry, type AxisGeometry } from '../../analysis/geometry';
import type { Pair, PaddingSpec } from '../../dsl/ir';

/** Explicit padding [top, bottom, left, right]. */
export type Pads = [number, number, number, number];

/** Both spatial axes of a sliding window over an input of [h, w]. */
export function windowAxes(padding: PaddingSpec, inHW: Pair, kernel: Pair, stride: Pair, dilation: Pair, ceilMode = false): [AxisGeometry, AxisGeometry] {
  const axis = (i: 0 | 1) => axisGeometry({
    size: inHW[i], kernel: kernel[i], stride: stride[i], dilation: dilation[i],
    padding: typeof padding === 'string' ? padding : padding[i], ceilMode,
  });
  return [axis(0), axis(1)];
}

export function padsOf([h, w]: readonly [AxisGeometry, AxisGeometry]): Pads {
  return [h.padBefore, h.padAfter, w.padBefore, w.padAfter];
}

/** A convolution's padding: symmetric numbers as PyTorch, 'same' as TensorFlow (the odd one bottom/right). */
export function convPads(padding: PaddingSpec, inHW: Pair, kernel: Pair, stride: Pair, dilation: Pair): Pads {
  return padsOf(windowAxes(padding, inHW, kernel, stride, dilation));
}

/**
 * For average pooling: how many cells of each window lie inside the padded input (PyTorch
 * counts padded zeros but not the ceil-mode overhang). One entry per output position on the axis.
 */
export function poolDivisors(axis: AxisGeometry, kernel: number, stride: number): number[] {
  return Array.from({ length: axis.out }, (_, i) => Math.min(i * stride + kernel, axis.padded) - i * stride);
}

/** PyTorch's adaptive pooling bins: [⌊i·in/out⌋, ⌈(i+1)·in/out⌉) for each output index. */
export function adaptiveBins(size: number, out: number): [number, number][] {
  const bins: [number, number][] = [];
  for (let i = 0; i < out; i++) {
    bins.push([Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
  }
  return bins;
}
