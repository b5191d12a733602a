import type { IRNode, LayerOp, Pair, PaddingSpec } from '../dsl/ir';
import { tr } from '../shared/l10n/translate';
import { formatShape } from './format';
import { windowAxis, type AxisResult } from './geometry';
import * as msg from './messages';
import type { Shape } from './types';

// Output shape of one layer from its input shapes (NHWC, no batch), with the arithmetic as
// text, or the reason the layer cannot run there. Pure: the caller walks the graph.

/** Where a sliding window sits on the input: what the receptive field needs. */
export interface WindowGeometry {
  /** Effective (dilated) kernel. */
  kernel: Pair;
  stride: Pair;
  /** Padding before the first element: [top, left]. */
  padBefore: Pair;
}

export interface ShapeResult {
  shape: Shape | null;
  formula: string[];
  /** Set for convolutions, pools and zero padding. */
  window: WindowGeometry | null;
  error: string | null;
}

/**
 * What messages need from the rest of the model, asked only when a layer fails: one object for
 * the whole walk, so a layer that is fine costs no labels and no closures.
 */
export interface ShapeContext {
  /** A name for the tensor made by `id`, for messages: the producing layer's path, or `input`. */
  label(id: string): string;
  /** The layer that made the tensor reaching `id` flat, or null when the model's input is flat. */
  flattenedBy(id: string): string | null;
}

/** What a layer needs to know about its inputs beyond their shapes. */
interface ShapeInputs {
  shapes: Shape[];
  /** The merge closes a `residual` (input 0 = main path, 1 = shortcut). */
  residual: boolean;
  context: ShapeContext;
}

/** The formula of a layer whose size needs no arithmetic: one frozen array they all share. */
const NO_FORMULA: string[] = Object.freeze([]) as unknown as string[];

const ok = (shape: Shape, formula: string[] = NO_FORMULA, window: WindowGeometry | null = null): ShapeResult =>
  ({ shape, formula, window, error: null });
const fail = (error: string): ShapeResult => ({ shape: null, formula: [], window: null, error });

export function inferShape(node: IRNode, inputs: ShapeInputs): ShapeResult {
  const op = node.op;
  const x = inputs.shapes[0]!;
  switch (op.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
    case 'maxPool2d':
    case 'avgPool2d':
    case 'zeroPad2d':
    case 'adaptiveAvgPool2d':
    case 'globalAvgPool':
    case 'globalMaxPool':
      if (x.length !== 3) return fail(msg.spatialNeedsImage(node.path, op.type, x, inputs.context.flattenedBy(node.inputs[0]!)));
      return spatial(node, op, x as [number, number, number]);
    case 'flatten': {
      const n = x.reduce((a, b) => a * b, 1);
      return ok([n], x.length === 1 ? [] : [`${x.join('·')} = ${n}`]);
    }
    case 'dense':
      if (x.length !== 1) return fail(msg.denseNeedsFlat(node.path, x));
      return ok([op.units], [`${x[0]} → ${op.units}`]);
    case 'add':
      return add(node, inputs);
    case 'concat':
      return concat(node, inputs);
    default:
      // Element-wise: activations, batchNorm, lrn, dropout. The output is the input's shape
      // array itself (shapes are never changed once made, and inputShapes already share them).
      return ok(x);
  }
}

function spatial(node: IRNode, op: LayerOp, x: [number, number, number]): ShapeResult {
  const [h, w, c] = x;
  switch (op.type) {
    case 'conv2d': {
      if (c % op.groups !== 0) return fail(msg.groupsMismatch(node.path, 'input channels', c, op.groups, divisorUpTo(gcd(c, op.filters), op.groups)));
      if (op.filters % op.groups !== 0) return fail(msg.groupsMismatch(node.path, 'filters', op.filters, op.groups, divisorUpTo(gcd(c, op.filters), op.groups)));
      return sliding(node, x, op.kernel, op.stride, op.dilation, op.padding, false, op.filters, true);
    }
    case 'depthwiseConv2d':
      return sliding(node, x, op.kernel, op.stride, op.dilation, op.padding, false, c * op.multiplier, true);
    case 'maxPool2d':
    case 'avgPool2d':
      return sliding(node, x, op.kernel, op.stride, [1, 1], op.padding, op.ceilMode, c, false);
    case 'zeroPad2d': {
      const [t, b, l, r] = op.padding;
      return ok([h + t + b, w + l + r, c], [`h: ${h} + ${t} + ${b} = ${h + t + b}`, `w: ${w} + ${l} + ${r} = ${w + l + r}`],
        { kernel: [1, 1], stride: [1, 1], padBefore: [t, l] });
    }
    case 'adaptiveAvgPool2d':
      return ok([op.size[0], op.size[1], c], [`h: ${h} → ${op.size[0]} (adaptive)`, `w: ${w} → ${op.size[1]} (adaptive)`]);
    default: // global pools
      return ok([c], [`${formatShape(x)} → ${c}`]);
  }
}

function sliding(
  node: IRNode, x: [number, number, number], kernel: Pair, stride: Pair, dilation: Pair,
  padding: PaddingSpec, ceilMode: boolean, channels: number, isConv: boolean,
): ShapeResult {
  const ah = labelledAxis('h', x[0], kernel[0], stride[0], dilation[0], typeof padding === 'string' ? padding : padding[0], ceilMode);
  const aw = labelledAxis('w', x[1], kernel[1], stride[1], dilation[1], typeof padding === 'string' ? padding : padding[1], ceilMode);
  if (ah.out < 1 || aw.out < 1) {
    return fail(msg.kernelTooLarge(node.path, [ah.effectiveKernel, aw.effectiveKernel], [ah.padded, aw.padded], x, isConv));
  }
  return ok([ah.out, aw.out, channels], [ah.formula, aw.formula], {
    kernel: [ah.effectiveKernel, aw.effectiveKernel], stride, padBefore: [ah.padBefore, aw.padBefore],
  });
}

/**
 * The layers of a model repeat a few geometries (every 3×3 conv with padding 1 at one size):
 * each axis's arithmetic and its text, labelled (`h: …`), is worked out once and then shared,
 * so a model of thousands of layers neither recomputes nor holds a copy of the same formula
 * per layer. Cleared when full rather than evicted one by one: a model that fills it has few
 * repeats to gain from anyway.
 */
const axisMemo = new Map<string, AxisResult>();
const AXIS_MEMO_LIMIT = 4096;

function labelledAxis(
  label: 'h' | 'w', size: number, kernel: number, stride: number, dilation: number,
  padding: number | 'same' | 'valid', ceilMode: boolean,
): AxisResult {
  const key = `${label} ${size} ${kernel} ${stride} ${dilation} ${padding} ${ceilMode}`;
  const known = axisMemo.get(key);
  if (known) return known;
  const axis = windowAxis({ size, kernel, stride, dilation, padding, ceilMode });
  const labelled = { ...axis, formula: `${label}: ${axis.formula}` };
  if (axisMemo.size >= AXIS_MEMO_LIMIT) axisMemo.clear();
  axisMemo.set(key, labelled);
  return labelled;
}

function add(node: IRNode, inputs: ShapeInputs): ShapeResult {
  const shapes = inputs.shapes;
  const first = shapes[0]!;
  if (shapes.every((s) => sameShape(s, first))) return ok(first);
  if (inputs.residual && shapes.length === 2) {
    return fail(msg.residualShapes(node.path, first, shapes[1]!, shortcutFix(first, shapes[1]!)));
  }
  return fail(msg.addShapes(node.path, labeled(node, inputs)));
}

/** A 1×1 strided projection that would turn the shortcut into the main path's shape, if one exists. */
function shortcutFix(main: Shape, shortcut: Shape): string | null {
  if (main.length !== 3 || shortcut.length !== 3) return null;
  const strides = [0, 1].map((i) => Math.ceil(shortcut[i]! / main[i]!));
  // A 1×1 conv with stride s maps h to ⌈h/s⌉.
  if (![0, 1].every((i) => Math.ceil(shortcut[i]! / strides[i]!) === main[i])) return null;
  const s = strides[0] === strides[1] ? `${strides[0]}` : `[${strides[0]}, ${strides[1]}]`;
  const opts = s === '1' ? '' : `, { stride: ${s} }`;
  return tr('use shortcut: {0}', `[conv2d(${main[2]}, 1${opts}), batchNorm()]`);
}

function concat(node: IRNode, inputs: ShapeInputs): ShapeResult {
  const shapes = inputs.shapes;
  const ranks = new Set(shapes.map((s) => s.length));
  if (ranks.size > 1) return fail(msg.concatRanks(node.path, labeled(node, inputs)));
  if (shapes[0]!.length === 1) {
    const total = shapes.reduce((a, s) => a + s[0]!, 0);
    return ok([total], shapes.length > 1 ? [`features: ${shapes.map((s) => s[0]).join(' + ')} = ${total}`] : []);
  }
  const [h, w] = shapes[0]!;
  if (!shapes.every((s) => s[0] === h && s[1] === w)) return fail(msg.concatSpatial(node.path, labeled(node, inputs)));
  const c = shapes.reduce((a, s) => a + s[2]!, 0);
  return ok([h!, w!, c], shapes.length > 1 ? [`channels: ${shapes.map((s) => s[2]).join(' + ')} = ${c}`] : []);
}

function labeled(node: IRNode, inputs: ShapeInputs): msg.Labeled[] {
  return inputs.shapes.map((shape, i) => ({ label: inputs.context.label(node.inputs[i]!), shape }));
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The largest divisor of n that is at most limit (a groups value that works). */
function divisorUpTo(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}
