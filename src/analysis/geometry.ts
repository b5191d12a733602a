// Output-size arithmetic for one spatial axis of a sliding-window layer (convolutions and
// pools): the one statement of the padding rules, which analysis reports and the tfjs builder
// (src/engine/model) pads by. Numeric padding follows PyTorch exactly (ceil_mode included),
// 'same'/'valid' follow TensorFlow exactly; the formula strings show the same arithmetic with
// the numbers filled in.

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

export interface AxisGeometry {
  /** Output size; below 1 when the window does not fit (the caller reports it). */
  out: number;
  /** Padding before the first element (top / left): what the receptive field needs. */
  padBefore: number;
  /** Padding after the last element (bottom / right) that the windows reach, `overhang` included. */
  padAfter: number;
  /**
   * Of `padAfter`, the cells a ceil-mode last window reaches beyond the padded input. PyTorch
   * pads them too but leaves them out of an average's divisor.
   */
  overhang: number;
  /** Size of the padded input the window slides over (without the overhang). */
  padded: number;
  /** Kernel extent with dilation: d(k − 1) + 1. */
  effectiveKernel: number;
}

export interface AxisResult extends AxisGeometry {
  /** The arithmetic, without the axis label, e.g. `⌊(28 − 5 + 2·2)/1⌋ + 1 = 28`. */
  formula: string;
}

/** Kernel extent once dilated: d(k − 1) + 1. */
function effectiveKernel(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/** The geometry, with which arithmetic gave `out` and whether ceil mode dropped a last window. */
interface Rule {
  geometry: AxisGeometry;
  rounding: 'same' | 'floor' | 'ceil';
  dropped: boolean;
}

function rule(a: WindowAxis): Rule {
  const k = effectiveKernel(a.kernel, a.dilation);
  if (a.padding === 'same') {
    // TensorFlow: out = ⌈h/s⌉, and whatever padding that needs, the odd one at the bottom/right.
    const out = Math.ceil(a.size / a.stride);
    const total = Math.max((out - 1) * a.stride + k - a.size, 0);
    const before = Math.floor(total / 2);
    return {
      geometry: { out, padBefore: before, padAfter: total - before, overhang: 0, padded: a.size + total, effectiveKernel: k },
      rounding: 'same', dropped: false,
    };
  }
  const p = a.padding === 'valid' ? 0 : a.padding;
  const padded = a.size + 2 * p;
  if (!a.ceilMode) {
    const out = Math.floor((padded - k) / a.stride) + 1;
    return { geometry: { out, padBefore: p, padAfter: p, overhang: 0, padded, effectiveKernel: k }, rounding: 'floor', dropped: false };
  }
  let out = Math.ceil((padded - k) / a.stride) + 1;
  // PyTorch drops the last window when it would start in the right padding rather than
  // inside the input or the left padding.
  const dropped = (out - 1) * a.stride >= a.size + p;
  if (dropped) out -= 1;
  const overhang = Math.max(0, (out - 1) * a.stride + k - padded);
  return { geometry: { out, padBefore: p, padAfter: p + overhang, overhang, padded, effectiveKernel: k }, rounding: 'ceil', dropped };
}

/** The axis's output size and padding, without the formula (what the builder needs per call). */
export function axisGeometry(a: WindowAxis): AxisGeometry {
  return rule(a).geometry;
}

/** The axis's output size and padding, with the arithmetic written out. */
export function windowAxis(a: WindowAxis): AxisResult {
  const { geometry: g, rounding, dropped } = rule(a);
  const k = g.effectiveKernel;
  const dilated = a.dilation === 1 ? '' : ` (dilated kernel ${a.dilation}·(${a.kernel} − 1) + 1 = ${k})`;
  let formula: string;
  if (rounding === 'same') {
    formula = `⌈${a.size}/${a.stride}⌉ = ${g.out}`;
  } else {
    const p = g.padBefore;
    const inner = p === 0 ? `${a.size} − ${k}` : `${a.size} − ${k} + 2·${p}`;
    formula = rounding === 'floor' ? `⌊(${inner})/${a.stride}⌋ + 1 = ${g.out}`
      : dropped ? `⌈(${inner})/${a.stride}⌉ + 1 − 1 = ${g.out} (a last window would start in the padding)`
        : `⌈(${inner})/${a.stride}⌉ + 1 = ${g.out}`;
  }
  return {
    out: g.out, padBefore: g.padBefore, padAfter: g.padAfter, overhang: g.overhang, padded: g.padded,
    effectiveKernel: g.effectiveKernel, formula: formula + dilated,
  };
}
