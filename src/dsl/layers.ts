import { callSite } from './callsite';
import { ACTIVATIONS, type ActivationName, type LayerOp, type PaddingSpec, type SourceRange } from './ir';
import { Checker } from './validate';

// The layer functions users import. Each validates its arguments at the call and returns a
// descriptor; `model()` turns the descriptors into the IR graph.

export type Size = number | [number, number];
export type Padding = Size | 'same' | 'valid';

export interface LayerDesc {
  readonly __cnn: 'layer';
  readonly op: LayerOp;
  readonly name: string | undefined;
  readonly source: SourceRange | null;
}

interface Named { name?: string }
export interface Conv2dOptions extends Named {
  stride?: Size; padding?: Padding; dilation?: Size; groups?: number; bias?: boolean; activation?: ActivationName;
}
export interface DepthwiseConv2dOptions extends Named {
  multiplier?: number; stride?: Size; padding?: Padding; dilation?: Size; bias?: boolean; activation?: ActivationName;
}
export interface Pool2dOptions extends Named { stride?: Size; padding?: Size; ceilMode?: boolean }
export interface BatchNormOptions extends Named { epsilon?: number; momentum?: number }
export interface LrnOptions extends Named { size?: number; alpha?: number; beta?: number; k?: number }
export interface DenseOptions extends Named { bias?: boolean; activation?: ActivationName }
export type NameOptions = Named;

function layer(op: LayerOp, name: string | undefined, source: SourceRange | null): LayerDesc {
  return { __cnn: 'layer', op, name, source };
}

function activationOption(c: Checker, value: unknown): ActivationName | null {
  return value === undefined ? null : c.oneOf(value, 'activation', ACTIVATIONS);
}

export function conv2d(filters: number, kernel: Size, opts?: Conv2dOptions): LayerDesc {
  const c = new Checker('conv2d', callSite());
  c.arity(arguments, 3, 'filters, kernel, options');
  const o = c.options(opts, ['stride', 'padding', 'dilation', 'groups', 'bias', 'activation', 'name']);
  const f = c.positiveInt(filters, 'filters');
  const groups = o.groups === undefined ? 1 : c.positiveInt(o.groups, 'groups');
  if (f % groups !== 0) c.fail(`filters (${f}) must be divisible by groups (${groups})`);
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
      c.fail(`padding (${padding[axis]}) must be at most half the kernel (${k[axis]})`);
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

export function maxPool2d(kernel: Size, opts?: Pool2dOptions): LayerDesc {
  return pool('maxPool2d', arguments, kernel, opts);
}

export function avgPool2d(kernel: Size, opts?: Pool2dOptions): LayerDesc {
  return pool('avgPool2d', arguments, kernel, opts);
}

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

export function globalAvgPool(opts?: NameOptions): LayerDesc {
  return nameOnly({ type: 'globalAvgPool' }, 'globalAvgPool', arguments, opts);
}

export function globalMaxPool(opts?: NameOptions): LayerDesc {
  return nameOnly({ type: 'globalMaxPool' }, 'globalMaxPool', arguments, opts);
}

export function flatten(opts?: NameOptions): LayerDesc {
  return nameOnly({ type: 'flatten' }, 'flatten', arguments, opts);
}

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

export function dropout(rate: number, opts?: NameOptions): LayerDesc {
  const c = new Checker('dropout', callSite());
  c.arity(arguments, 2, 'rate, options');
  const o = c.options(opts, ['name']);
  const r = c.number(rate, 'rate', 0, 1);
  if (r === 1) c.fail('rate must be below 1 (a rate of 1 drops everything)');
  return layer({ type: 'dropout', rate: r }, c.name(o.name), c.at);
}

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

export function relu(opts?: NameOptions): LayerDesc { return activation('relu', arguments, opts); }
export function relu6(opts?: NameOptions): LayerDesc { return activation('relu6', arguments, opts); }
export function elu(opts?: NameOptions): LayerDesc { return activation('elu', arguments, opts); }
export function selu(opts?: NameOptions): LayerDesc { return activation('selu', arguments, opts); }
export function sigmoid(opts?: NameOptions): LayerDesc { return activation('sigmoid', arguments, opts); }
export function tanh(opts?: NameOptions): LayerDesc { return activation('tanh', arguments, opts); }
export function softmax(opts?: NameOptions): LayerDesc { return activation('softmax', arguments, opts); }
export function logSoftmax(opts?: NameOptions): LayerDesc { return activation('logSoftmax', arguments, opts); }

export function leakyRelu(alpha = 0.01, opts?: NameOptions): LayerDesc {
  const c = new Checker('leakyRelu', callSite());
  c.arity(arguments, 2, 'alpha, options');
  const o = c.options(opts, ['name']);
  return layer({ type: 'leakyRelu', alpha: c.number(alpha, 'alpha') }, c.name(o.name), c.at);
}
