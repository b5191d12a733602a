// Dense, activation, LRN and dropout layers: tfjs-layers has close relatives, but not with the
// DSL's activations (leakyRelu's alpha, logSoftmax), PyTorch's LRN window, or per-step seeds.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { ActivationName } from '../../../dsl/ir';
import { deriveSeed } from '../../data/random';
import { activate, biasSeed, one, oneShape, torchUniform, type InitArgs, type Kwargs, type LayerArgs } from './common';

export interface DenseArgs extends LayerArgs, InitArgs {
  units: number;
  bias: boolean;
  activation: ActivationName | null;
  alpha?: number;
}

/** dense: kernel [in, units] (PyTorch's Linear weight, transposed). */
export class CnnDense extends tfl.layers.Layer {
  static className = 'CnnDense';
  readonly args: DenseArgs;
  private kernelVar: LayerVariable | null = null;
  private biasVar: LayerVariable | null = null;

  constructor(args: DenseArgs) {
    super(args);
    this.args = args;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = oneShape(inputShape);
    const fanIn = s[s.length - 1] as number;
    const mode = this.args.init ?? 'torch';
    this.kernelVar = this.addWeight('kernel', [fanIn, this.args.units], 'float32', torchUniform(fanIn, this.args.initSeed, mode));
    if (this.args.bias) {
      this.biasVar = this.addWeight('bias', [this.args.units], 'float32', torchUniform(fanIn, biasSeed(this.args.initSeed), mode));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = oneShape(inputShape);
    return [...s.slice(0, -1), this.args.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor2D;
      const y = tf.fused.matMul({ a: x, b: this.kernelVar!.read() as tf.Tensor2D, bias: this.biasVar?.read() });
      return activate(y, this.args.activation, this.args.alpha);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { units, bias, activation, alpha, initSeed, init } = this.args;
    return { ...super.getConfig(), units, bias, activation, alpha, initSeed, init } as tf.serialization.ConfigDict;
  }
}

export interface ActivationArgs extends LayerArgs { fn: ActivationName; alpha?: number }

export class CnnActivation extends tfl.layers.Layer {
  static className = 'CnnActivation';
  readonly args: ActivationArgs;

  constructor(args: ActivationArgs) {
    super(args);
    this.args = args;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => activate(one(inputs), this.args.fn, this.args.alpha));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), fn: this.args.fn, alpha: this.args.alpha } as tf.serialization.ConfigDict;
  }
}

export interface LrnArgs extends LayerArgs { size: number; alpha: number; beta: number; k: number }

/**
 * PyTorch's LocalResponseNorm over channels (the last axis here):
 * x / (k + α/n · Σ x²)^β, the sum over channels [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋], zeros outside.
 * Built from pad/slice/add so every backend can train it.
 */
export class CnnLRN extends tfl.layers.Layer {
  static className = 'CnnLRN';
  readonly args: LrnArgs;

  constructor(args: LrnArgs) {
    super(args);
    this.args = args;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const { size: n, alpha, beta, k } = this.args;
      const rank = x.rank;
      const c = x.shape[rank - 1]!;
      const pads: [number, number][] = x.shape.map(() => [0, 0] as [number, number]);
      pads[rank - 1] = [Math.floor(n / 2), Math.floor((n - 1) / 2)];
      const sq = tf.pad(tf.square(x), pads);
      const begin = x.shape.map(() => 0);
      const windows: tf.Tensor[] = [];
      for (let i = 0; i < n; i++) {
        begin[rank - 1] = i;
        windows.push(tf.slice(sq, begin, [...x.shape.slice(0, -1), c]));
      }
      const sum = windows.length === 1 ? windows[0]! : tf.addN(windows);
      return tf.div(x, tf.pow(tf.add(tf.mul(sum, alpha / n), k), beta));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { size, alpha, beta, k } = this.args;
    return { ...super.getConfig(), size, alpha, beta, k };
  }
}

export interface DropoutArgs extends LayerArgs { rate: number; seed?: number }

/**
 * Dropout (scaled by 1/(1−rate) in training, identity otherwise). tfjs-layers' dropout with a
 * seed draws the same mask on every step; this one derives a fresh seed per call from its seed,
 * so masks differ per step yet a run repeats exactly.
 */
export class CnnDropout extends tfl.layers.Layer {
  static className = 'CnnDropout';
  readonly args: DropoutArgs;
  private calls = 0;

  constructor(args: DropoutArgs) {
    super(args);
    this.args = args;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      if (kwargs['training'] !== true || this.args.rate === 0) return tf.clone(x);
      const seed = this.args.seed === undefined ? undefined : deriveSeed(this.args.seed, this.calls++);
      return tf.dropout(x, this.args.rate, undefined, seed);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.args.rate, seed: this.args.seed } as tf.serialization.ConfigDict;
  }
}

tf.serialization.registerClass(CnnDense);
tf.serialization.registerClass(CnnActivation);
tf.serialization.registerClass(CnnLRN);
tf.serialization.registerClass(CnnDropout);
