// What the custom layers share: their constructor arguments, activations, and PyTorch's default
// initialisation (seeded, so the same seed gives the same starting weights).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import type { ActivationName } from '../../../dsl/ir';

export type { LayerArgs };
export type Kwargs = Record<string, unknown>;

/** How fresh weights are filled: PyTorch's default, or zeros (cheap; for shape and count checks). */
export type InitMode = 'torch' | 'zeros';

export interface InitArgs {
  /** Seed of this layer's initialiser. */
  initSeed?: number;
  init?: InitMode;
}

/**
 * PyTorch's default for conv and linear layers: kaiming_uniform(a=√5) for weights and the same
 * bound for biases, i.e. U(−1/√fan_in, 1/√fan_in). Keeping PyTorch's initialisation lets the
 * seed notes' results carry over.
 */
export function torchUniform(fanIn: number, seed: number | undefined, mode: InitMode): Initializer {
  if (mode === 'zeros') return tfl.initializers.zeros();
  const bound = 1 / Math.sqrt(Math.max(fanIn, 1));
  return tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed });
}

/** A second seed for the bias, so it does not repeat the first values of the kernel. */
export function biasSeed(seed: number | undefined): number | undefined {
  return seed === undefined ? undefined : (seed * 31 + 17) >>> 0;
}

export function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

export function oneShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as tfl.Shape;
}

/** Applies one of the DSL's activations. `alpha` is leakyRelu's slope. */
export function activate(x: tf.Tensor, fn: ActivationName | null, alpha = 0.01): tf.Tensor {
  switch (fn) {
    case null: return x;
    case 'relu': return tf.relu(x);
    case 'relu6': return tf.relu6(x);
    case 'hardswish': return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
    case 'leakyRelu': return tf.leakyRelu(x, alpha);
    case 'elu': return tf.elu(x);
    case 'selu': return tf.selu(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'softmax': return tf.softmax(x, -1);
    case 'logSoftmax': return tf.logSoftmax(x, -1);
  }
}

/**
 * A kernel [kh, kw, a, b] spread out by the dilation (zeros between taps), so that a dilated
 * convolution becomes a plain one. tfjs has no gradient for dilated conv2d or depthwise, and
 * this form trains on every backend at the cost of multiplying by the zeros.
 */
export function dilateKernel(kernel: tf.Tensor4D, dilation: [number, number]): tf.Tensor4D {
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return kernel;
  const [kh, kw, a, b] = kernel.shape;
  const spread = tf.pad(tf.reshape(kernel, [kh, 1, kw, 1, a, b]),
    [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  const full = tf.reshape(spread, [kh * dh, kw * dw, a, b]);
  return tf.slice(full, [0, 0, 0, 0], [dh * (kh - 1) + 1, dw * (kw - 1) + 1, a, b]) as tf.Tensor4D;
}

/** Pads the spatial axes (NHWC) when there is anything to pad. */
export function padSpatial(x: tf.Tensor4D, pads: [number, number, number, number], value = 0): tf.Tensor4D {
  const [t, b, l, r] = pads;
  if (t === 0 && b === 0 && l === 0 && r === 0) return x;
  return tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]], value);
}
