import { tr } from '../shared/l10n/translate';
import { callSite } from './callsite';
import { ACTIVATIONS, type ActivationName, type LayerOp, type PaddingSpec, type SourceRange } from './ir';
import { Checker } from './validate';

// The layer functions users import. Each validates its arguments at the call and returns a
// descriptor; `model()` turns the descriptors into the IR graph.

/** A size: one number for both axes, or `[height, width]`. */
export type Size = number | [number, number];
/** Zero padding: a number or `[h, w]` (symmetric, as PyTorch's `padding=`), or `'same'` / `'valid'` (as TensorFlow). */
export type Padding = Size | 'same' | 'valid';

/** A layer, as returned by the layer functions; put it in a layer list. */
export interface LayerDesc {
  readonly __cnn: 'layer';
  readonly op: LayerOp;
  readonly name: string | undefined;
  readonly source: SourceRange | null;
}

interface Named {
  /** The layer's name; unique within the model. Default `<type>_<n>` (`conv2d_1`, …). */
  name?: string;
}
/** Options of `conv2d`. Defaults follow PyTorch. */
export interface Conv2dOptions extends Named {
  /** Step of the window, a number or `[h, w]`. Default 1. */
  stride?: Size;
  /** Zero padding: a number or `[h, w]` (symmetric, as PyTorch), or `'same'` / `'valid'` (as TensorFlow). Default 0. */
  padding?: Padding;
  /** Spacing between kernel taps, a number or `[h, w]`. Default 1. */
  dilation?: Size;
  /** Grouped convolution: input channels and filters must both divide by it (ResNeXt). Default 1. */
  groups?: number;
  /** Adds a learned bias per filter. Default true. */
  bias?: boolean;
  /** An activation applied to the output, counted as part of this layer. */
  activation?: ActivationName;
}
/** Options of `depthwiseConv2d`. */
export interface DepthwiseConv2dOptions extends Named {
  /** Output channels per input channel. Default 1. */
  multiplier?: number;
  /** Step of the window, a number or `[h, w]`. Default 1. */
  stride?: Size;
  /** Zero padding: a number or `[h, w]` (symmetric), or `'same'` / `'valid'`. Default 0. */
  padding?: Padding;
  /** Spacing between kernel taps, a number or `[h, w]`. Default 1. */
  dilation?: Size;
  /** Adds a learned bias per output channel. Default true. */
  bias?: boolean;
  /** An activation applied to the output, counted as part of this layer. */
  activation?: ActivationName;
}
/** Options of `maxPool2d` and `avgPool2d`. */
export interface Pool2dOptions extends Named {
  /** Step of the window, a number or `[h, w]`. Default: the kernel size. */
  stride?: Size;
  /** Symmetric padding, a number or `[h, w]`, at most half the kernel (−∞ for max, zeros counted in the mean for avg). Default 0. */
  padding?: Size;
  /** Rounds the output size up instead of down (PyTorch's `ceil_mode`). Default false. */
  ceilMode?: boolean;
}
/** Options of `batchNorm`. */
export interface BatchNormOptions extends Named {
  /** Added to the variance for numerical stability. Default 1e-5. */
  epsilon?: number;
  /** Moving-average decay of the running statistics (0.9 = PyTorch's momentum 0.1). Default 0.9. */
  momentum?: number;
}
/** Options of `lrn` (local response normalization, as in AlexNet). */
export interface LrnOptions extends Named {
  /** Number of neighbouring channels summed over. Default 5. */
  size?: number;
  /** Scale. Default 1e-4. */
  alpha?: number;
  /** Exponent. Default 0.75. */
  beta?: number;
  /** Additive constant. Default 2. */
  k?: number;
}
/** Options of `dense`. */
export interface DenseOptions extends Named {
  /** Adds a learned bias per unit. Default true. */
  bias?: boolean;
  /** An activation applied to the output, counted as part of this layer. */
  activation?: ActivationName;
}
/** Options every layer accepts: just `name`. */
export type NameOptions = Named;

function layer(op: LayerOp, name: string | undefined, source: SourceRange | null): LayerDesc {
  return { __cnn: 'layer', op, name, source };
}

function activationOption(c: Checker, value: unknown): ActivationName | null {
  return value === undefined ? null : c.oneOf(value, 'activation', ACTIVATIONS);
}

/**
 * 2-D convolution. Output `[⌊(h + 2p − d(k − 1) − 1)/s⌋ + 1, …, filters]`.
 * @param filters Number of output channels.
 * @param kernel Kernel size, a number or `[h, w]`.
 * @param opts `stride`, `padding`, `dilation`, `groups`, `bias`, `activation`, `name`.
 * @example conv2d(6, 5, { padding: 2 })
 */
export function conv2d(filters: number, kernel: Size, opts?: Conv2dOptions): LayerDesc {
  const c = new Checker('conv2d', callSite());
  c.arity(arguments, 3, 'filters, kernel, options');
  const o = c.options(opts, ['stride', 'padding', 'dilation', 'groups', 'bias', 'activation', 'name']);
  const f = c.positiveInt(filters, 'filters');
  const groups = o.groups === undefined ? 1 : c.positiveInt(o.groups, 'groups');
  if (f % groups !== 0) c.fail(tr('filters ({0}) must be divisible by groups ({1})', f, groups));
  return layer({
    type: 'conv2d',
    filters: f,
    kernel: c.positivePair(kernel, 'kernel'),
    stride: o.stride === undefined ? [1, 1] : c.positivePair(o.stride, 'stride'),
    padding: o.padding === undefined ? [0, 0] : c.padding(o.padding),
    dilation: o.dilation === undefined ? [1, 1] : c.positivePair(o.dilation, 'dilation'),
    groups,
    bias: o.bias === undefined ? true : c.boolean(o.bias, 'bias'),
    activation: activationOption(c, o.activation),
  }, c.name(o.name), c.at);
}

/**
 * Depthwise 2-D convolution: one filter per input channel; output channels = channels × `multiplier`.
 * @param kernel Kernel size, a number or `[h, w]`.
 * @param opts `multiplier`, `stride`, `padding`, `dilation`, `bias`, `activation`, `name`.
 * @example depthwiseConv2d(3, { padding: 1 })
 */
export function depthwiseConv2d(kernel: Size, opts?: DepthwiseConv2dOptions): LayerDesc {
  const c = new Checker('depthwiseConv2d', callSite());
  c.arity(arguments, 2, 'kernel, options');
  const o = c.options(opts, ['multiplier', 'stride', 'padding', 'dilation', 'bias', 'activation', 'name']);
  return layer({
    type: 'depthwiseConv2d',
    kernel: c.positivePair(kernel, 'kernel'),
    multiplier: o.multiplier === undefined ? 1 : c.positiveInt(o.multiplier, 'multiplier'),
    stride: o.stride === undefined ? [1, 1] : c.positivePair(o.stride, 'stride'),
    padding: o.padding === undefined ? [0, 0] : c.padding(o.padding),
    dilation: o.dilation === undefined ? [1, 1] : c.positivePair(o.dilation, 'dilation'),
    bias: o.bias === undefined ? true : c.boolean(o.bias, 'bias'),
    activation: activationOption(c, o.activation),
  }, c.name(o.name), c.at);
}

function pool(type: 'maxPool2d' | 'avgPool2d', args: IArguments, kernel: Size, opts?: Pool2dOptions): LayerDesc {
  const c = new Checker(type, callSite());
  c.arity(args, 2, 'kernel, options');
  const o = c.options(opts, ['stride', 'padding', 'ceilMode', 'name']);
  const k = c.positivePair(kernel, 'kernel');
  const padding: PaddingSpec = o.padding === undefined ? [0, 0]
    : c.pair(o.padding, 'padding', (v, w) => c.nonNegativeInt(v, w));
  for (const axis of [0, 1] as const) {
    // PyTorch refuses this too: a window made only of padding has no value to pool.
    if ((padding as [number, number])[axis] * 2 > k[axis]) {
      c.fail(tr('padding ({0}) must be at most half the kernel ({1})', (padding as [number, number])[axis], k[axis]));
    }
  }
  return layer({
    type,
    kernel: k,
    stride: o.stride === undefined ? k : c.positivePair(o.stride, 'stride'),
    padding,
    ceilMode: o.ceilMode === undefined ? false : c.boolean(o.ceilMode, 'ceilMode'),
  }, c.name(o.name), c.at);
}

/**
 * 2-D max pooling.
 * @param kernel Window size, a number or `[h, w]`.
 * @param opts `stride` (default = kernel), `padding` (pads with −∞), `ceilMode`, `name`.
 * @example maxPool2d(2)
 */
export function maxPool2d(kernel: Size, opts?: Pool2dOptions): LayerDesc {
  return pool('maxPool2d', arguments, kernel, opts);
}

/**
 * 2-D average pooling; padded zeros count in the mean (PyTorch's default).
 * @param kernel Window size, a number or `[h, w]`.
 * @param opts `stride` (default = kernel), `padding`, `ceilMode`, `name`.
 * @example avgPool2d(2)
 */
export function avgPool2d(kernel: Size, opts?: Pool2dOptions): LayerDesc {
  return pool('avgPool2d', arguments, kernel, opts);
}

/**
 * Adaptive average pooling to a fixed output size, for any input size (as PyTorch's AdaptiveAvgPool2d).
 * @param size Output size, a number or `[h, w]`.
 * @param opts `name`.
 * @example adaptiveAvgPool2d(1)
 */
export function adaptiveAvgPool2d(size: Size, opts?: NameOptions): LayerDesc {
  const c = new Checker('adaptiveAvgPool2d', callSite());
  c.arity(arguments, 2, 'size, options');
  const o = c.options(opts, ['name']);
  return layer({ type: 'adaptiveAvgPool2d', size: c.positivePair(size, 'size') }, c.name(o.name), c.at);
}

function nameOnly(op: LayerOp, fn: string, args: IArguments, opts: unknown): LayerDesc {
  const c = new Checker(fn, callSite());
  c.arity(args, 1, 'options');
  const o = c.options(opts, ['name']);
  return layer(op, c.name(o.name), c.at);
}

/** Global average pooling: `[h, w, c]` → `[c]`. */
export function globalAvgPool(opts?: NameOptions): LayerDesc {
  return nameOnly({ type: 'globalAvgPool' }, 'globalAvgPool', arguments, opts);
}

/** Global max pooling: `[h, w, c]` → `[c]`. */
export function globalMaxPool(opts?: NameOptions): LayerDesc {
  return nameOnly({ type: 'globalMaxPool' }, 'globalMaxPool', arguments, opts);
}

/** Flattens `[h, w, c]` to `[h·w·c]` (needed before `dense`). */
export function flatten(opts?: NameOptions): LayerDesc {
  return nameOnly({ type: 'flatten' }, 'flatten', arguments, opts);
}

/**
 * Batch normalization over channels; output shape = input shape.
 * @param opts `epsilon` (1e-5), `momentum` (0.9), `name`.
 */
export function batchNorm(opts?: BatchNormOptions): LayerDesc {
  const c = new Checker('batchNorm', callSite());
  c.arity(arguments, 1, 'options');
  const o = c.options(opts, ['epsilon', 'momentum', 'name']);
  return layer({
    type: 'batchNorm',
    epsilon: o.epsilon === undefined ? 1e-5 : c.number(o.epsilon, 'epsilon', 0, Infinity, true),
    momentum: o.momentum === undefined ? 0.9 : c.number(o.momentum, 'momentum', 0, 1),
  }, c.name(o.name), c.at);
}

/**
 * Local response normalization across channels (AlexNet); output shape = input shape.
 * @param opts `size` (5), `alpha` (1e-4), `beta` (0.75), `k` (2), `name`.
 */
export function lrn(opts?: LrnOptions): LayerDesc {
  const c = new Checker('lrn', callSite());
  c.arity(arguments, 1, 'options');
  const o = c.options(opts, ['size', 'alpha', 'beta', 'k', 'name']);
  return layer({
    type: 'lrn',
    size: o.size === undefined ? 5 : c.positiveInt(o.size, 'size'),
    alpha: o.alpha === undefined ? 1e-4 : c.number(o.alpha, 'alpha'),
    beta: o.beta === undefined ? 0.75 : c.number(o.beta, 'beta'),
    k: o.k === undefined ? 2 : c.number(o.k, 'k'),
  }, c.name(o.name), c.at);
}

/**
 * Dropout during training; output shape = input shape.
 * @param rate Fraction of units dropped, in [0, 1).
 * @param opts `name`.
 * @example dropout(0.5)
 */
export function dropout(rate: number, opts?: NameOptions): LayerDesc {
  const c = new Checker('dropout', callSite());
  c.arity(arguments, 2, 'rate, options');
  const o = c.options(opts, ['name']);
  const r = c.number(rate, 'rate', 0, 1);
  if (r === 1) c.fail(tr('rate must be below 1 (a rate of 1 drops everything)'));
  return layer({ type: 'dropout', rate: r }, c.name(o.name), c.at);
}

/**
 * Fully connected layer: `[features]` → `[units]` (the input must be flat: use `flatten()` first).
 * @param units Number of outputs.
 * @param opts `bias`, `activation`, `name`.
 * @example dense(10)
 */
export function dense(units: number, opts?: DenseOptions): LayerDesc {
  const c = new Checker('dense', callSite());
  c.arity(arguments, 2, 'units, options');
  const o = c.options(opts, ['bias', 'activation', 'name']);
  return layer({
    type: 'dense',
    units: c.positiveInt(units, 'units'),
    bias: o.bias === undefined ? true : c.boolean(o.bias, 'bias'),
    activation: activationOption(c, o.activation),
  }, c.name(o.name), c.at);
}

/**
 * Zero padding around the image.
 * @param padding Symmetric padding, a number or `[h, w]`.
 * @param opts `name`.
 */
export function zeroPad2d(padding: Size, opts?: NameOptions): LayerDesc {
  const c = new Checker('zeroPad2d', callSite());
  c.arity(arguments, 2, 'padding, options');
  const o = c.options(opts, ['name']);
  const [ph, pw] = c.pair(padding, 'padding', (v, w) => c.nonNegativeInt(v, w));
  return layer({ type: 'zeroPad2d', padding: [ph, ph, pw, pw] }, c.name(o.name), c.at);
}

function activation(type: ActivationName, args: IArguments, opts: unknown): LayerDesc {
  return nameOnly({ type }, type, args, opts);
}

/** ReLU activation: max(0, x). */
export function relu(opts?: NameOptions): LayerDesc { return activation('relu', arguments, opts); }
/** ReLU6 activation: min(max(0, x), 6). */
export function relu6(opts?: NameOptions): LayerDesc { return activation('relu6', arguments, opts); }
/** Hard swish (MobileNetV3, PyTorch's nn.Hardswish): x · relu6(x + 3) / 6. */
export function hardswish(opts?: NameOptions): LayerDesc { return activation('hardswish', arguments, opts); }
/** ELU activation. */
export function elu(opts?: NameOptions): LayerDesc { return activation('elu', arguments, opts); }
/** SELU activation. */
export function selu(opts?: NameOptions): LayerDesc { return activation('selu', arguments, opts); }
/** Sigmoid activation: 1 / (1 + e^−x). */
export function sigmoid(opts?: NameOptions): LayerDesc { return activation('sigmoid', arguments, opts); }
/** Tanh activation. */
export function tanh(opts?: NameOptions): LayerDesc { return activation('tanh', arguments, opts); }
/** Softmax over the last axis (the loss then reads the outputs as probabilities). */
export function softmax(opts?: NameOptions): LayerDesc { return activation('softmax', arguments, opts); }
/** Log-softmax over the last axis (the loss then reads the outputs as log-probabilities). */
export function logSoftmax(opts?: NameOptions): LayerDesc { return activation('logSoftmax', arguments, opts); }

/**
 * Leaky ReLU activation: x for x > 0, alpha·x otherwise.
 * @param alpha Slope for negative inputs. Default 0.01.
 * @param opts `name`.
 */
export function leakyRelu(alpha = 0.01, opts?: NameOptions): LayerDesc {
  const c = new Checker('leakyRelu', callSite());
  c.arity(arguments, 2, 'alpha, options');
  const o = c.options(opts, ['name']);
  return layer({ type: 'leakyRelu', alpha: c.number(alpha, 'alpha') }, c.name(o.name), c.at);
}
