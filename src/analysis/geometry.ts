// Output-size arithmetic for one spatial axis of a sliding-window layer (convolutions and
// pools). Numeric padding follows PyTorch exactly, 'same'/'valid' follow TensorFlow exactly;
// the formula strings show the same arithmetic with the numbers filled in.

export interface WindowAxis {
  /** Input size along the axis. */
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  padding: number | 'same' | 'valid';
  /** PyTorch's ceil_mode (pools only). */
  ceilMode: boolean;
}

export interface AxisResult {
  /** Output size; below 1 when the window does not fit (the caller reports it). */
  out: number;
  /** Padding before the first element (top / left): what the receptive field needs. */
  padBefore: number;
  /** Size of the padded input the window slides over. */
  padded: number;
  /** Kernel extent with dilation: d(k − 1) + 1. */
  effectiveKernel: number;
  /** The arithmetic, without the axis label, e.g. `⌊(28 − 5 + 2·2)/1⌋ + 1 = 28`. */
  formula: string;
}

export function windowAxis(a: WindowAxis): AxisResult {
  const k = a.dilation * (a.kernel - 1) + 1;
  const dilated = a.dilation === 1 ? '' : ` (dilated kernel ${a.dilation}·(${a.kernel} − 1) + 1 = ${k})`;
  if (a.padding === 'same') {
    // TensorFlow: out = ⌈h/s⌉, and whatever padding that needs, the odd one at the bottom/right.
    const out = Math.ceil(a.size / a.stride);
    const total = Math.max((out - 1) * a.stride + k - a.size, 0);
    return {
      out, padBefore: Math.floor(total / 2), padded: a.size + total, effectiveKernel: k,
      formula: `⌈${a.size}/${a.stride}⌉ = ${out}${dilated}`,
    };
  }
  const p = a.padding === 'valid' ? 0 : a.padding;
  const numerator = a.size + 2 * p - k;
  const inner = p === 0 ? `${a.size} − ${k}` : `${a.size} − ${k} + 2·${p}`;
  if (!a.ceilMode) {
    const out = Math.floor(numerator / a.stride) + 1;
    return { out, padBefore: p, padded: a.size + 2 * p, effectiveKernel: k, formula: `⌊(${inner})/${a.stride}⌋ + 1 = ${out}${dilated}` };
  }
  let out = Math.ceil(numerator / a.stride) + 1;
  let formula = `⌈(${inner})/${a.stride}⌉ + 1`;
  // PyTorch drops the last window when it would start in the right padding rather than
  // inside the input or the left padding.
  if ((out - 1) * a.stride >= a.size + p) {
    out -= 1;
    formula += ' − 1';
    return { out, padBefore: p, padded: a.size + 2 * p, effectiveKernel: k, formula: `${formula} = ${out} (a last window would start in the padding)${dilated}` };
  }
  return { out, padBefore: p, padded: a.size + 2 * p, effectiveKernel: k, formula: `${formula} = ${out}${dilated}` };
}
