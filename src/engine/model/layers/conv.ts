// Convolutions with PyTorch's semantics, which tfjs-layers' conv2d lacks: symmetric numeric
// padding, groups, dilation that trains, and depthwise with a channel multiplier.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { ActivationName, Pair, PaddingSpec } from '../../../dsl/ir';
import { convPads, windowAxes } from '../geometry';
import {
  activate, biasSeed, dilateKernel, one, oneShape, padSpatial, torchUniform,
  type InitArgs, type Kwargs, type LayerArgs,
} from './common';

export interface ConvArgs extends LayerArgs, InitArgs {
  kernel: Pair;
  stride: Pair;
  padding: PaddingSpec;
  dilation: Pair;
  bias: boolean;
  activation: ActivationName | null;
  alpha?: number;
}

/** Output spatial size for input [h, w] (shared by both layers, by the analysis' rule). */
function spatialOut(args: ConvArgs, h: number, w: number): Pair {
  const [ah, aw] = windowAxes(args.padding, [h, w], args.kernel, args.stride, args.dilation);
  return [ah.out, aw.out];
}

function convConfig(a: ConvArgs): Record<string, unknown> {
  return {
    kernel: a.kernel, stride: a.stride, padding: a.padding, dilation: a.dilation, bias: a.bias,
    activation: a.activation, alpha: a.alpha, initSeed: a.initSeed, init: a.init,
  };
}

export interface Conv2DArgs extends ConvArgs {
  filters: number;
  groups: number;
  /**
   * false when the layer's input depends on no trainable weight (a first layer, fed by the data):
   * then its gradient with respect to the input is never needed, and the layer computes only the
   * kernel's and bias's (convWithoutInputGradient); tfjs's fused convolution's gradient always
   * computes the input's too (a sixth of LeNet-5's training step).
   */
  inputNeedsGradient?: boolean;
}

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/**
 * conv2d(x, kernel) + bias for an input that needs no gradient: forward, tfjs's fused kernel
 * (the bias added in the convolution's own pass, not in a second one over the output); backward,
 * only the kernel's and the bias's gradients, where tfjs's fused op would also compute x's.
 */
function convWithoutInputGradient(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, stride: Pair, pad: ExplicitPad): tf.Tensor4D {
  const attrs = { strides: stride, pad, dataFormat: 'NHWC' };
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [k, b] = args as [tf.Tensor4D, tf.Tensor1D];
    return {
      value: tf.fused.conv2d({ x, filter: k, strides: stride, pad, bias: b }),
      gradFunc: (dy: tf.Tensor) => [
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: k.shape }) as tf.Tensor,
        tf.sum(dy, [0, 1, 2]),
      ],
    };
  })(kernel, bias) as tf.Tensor4D;
}

/** conv2d: kernel [kh, kw, in/groups, filters] (PyTorch's weight, in HWIO order). */
export class CnnConv2D extends tfl.layers.Layer {
  static className = 'CnnConv2D';
  readonly args: Conv2DArgs;
  private kernelVar: LayerVariable | null = null;
  private biasVar: LayerVariable | null = null;

  constructor(args: Conv2DArgs) {
    super(args);
    this.args = args;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const cin = oneShape(inputShape)[3] as number;
    const { kernel, groups, filters } = this.args;
    const fanIn = (cin / groups) * kernel[0] * kernel[1];
    const mode = this.args.init ?? 'torch';
    this.kernelVar = this.addWeight('kernel', [kernel[0], kernel[1], cin / groups, filters], 'float32',
      torchUniform(fanIn, this.args.initSeed, mode));
    if (this.args.bias) {
      this.biasVar = this.addWeight('bias', [filters], 'float32', torchUniform(fanIn, biasSeed(this.args.initSeed), mode));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = oneShape(inputShape);
    const [h, w] = spatialOut(this.args, s[1] as number, s[2] as number);
    return [s[0] ?? null, h, w, this.args.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const { padding, kernel: k, stride, dilation, groups } = this.args;
      const x0 = one(inputs) as tf.Tensor4D;
      const pads = convPads(padding, [x0.shape[1], x0.shape[2]], k, stride, dilation);
      const kernel = dilateKernel(this.kernelVar!.read() as tf.Tensor4D, dilation);
      const bias = this.biasVar ? (this.biasVar.read() as tf.Tensor1D) : undefined;
      let y: tf.Tensor4D;
      if (groups === 1) {
        // The padding goes to the convolution itself (no padded copy of x, forward or backward).
        const [t, b, l, r] = pads;
        const pad: ExplicitPad = [[0, 0], [t, b], [l, r], [0, 0]];
        if (this.args.inputNeedsGradient === false) {
          y = bias ? convWithoutInputGradient(x0, kernel, bias, stride, pad)
            // Unfused, the tape asks conv2d's gradient only for the filter (see inputNeedsGradient).
            : tf.conv2d(x0, kernel, stride, pad);
        } else {
          y = tf.fused.conv2d({ x: x0, filter: kernel, strides: stride, pad, bias });
        }
        return activate(y, this.args.activation, this.args.alpha);
      }
      const x = padSpatial(x0, pads);
      const cin = x.shape[3];
      if (groups === cin) {
        // One input channel per group: exactly a depthwise convolution with multiplier filters/cin
        // (output channel c·m + j belongs to group c, as PyTorch orders them).
        const m = this.args.filters / cin;
        const dw = tf.reshape(kernel, [kernel.shape[0], kernel.shape[1], cin, m]) as tf.Tensor4D;
        y = tf.depthwiseConv2d(x, dw, stride, 'valid');
        if (bias) y = tf.add(y, bias);
      } else {
        // tfjs has no grouped convolution: convolve each group's channels with its filters.
        const xs = tf.split(x, groups, 3);
        const ks = tf.split(kernel, groups, 3);
        y = tf.concat(xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ks[i] as tf.Tensor4D, stride, 'valid')), 3) as tf.Tensor4D;
        if (bias) y = tf.add(y, bias);
      }
      return activate(y, this.args.activation, this.args.alpha);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...convConfig(this.args), filters: this.args.filters, groups: this.args.groups } as tf.serialization.ConfigDict;
  }
}

export interface DepthwiseArgs extends ConvArgs { multiplier: number }

/** depthwiseConv2d: kernel [kh, kw, in, multiplier]; output channel c·m + j, as PyTorch's groups=in. */
export class CnnDepthwiseConv2D extends tfl.layers.Layer {
  static className = 'CnnDepthwiseConv2D';
  readonly args: DepthwiseArgs;
  private kernelVar: LayerVariable | null = null;
  private biasVar: LayerVariable | null = null;

  constructor(args: DepthwiseArgs) {
    super(args);
    this.args = args;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const cin = oneShape(inputShape)[3] as number;
    const { kernel, multiplier } = this.args;
    const fanIn = kernel[0] * kernel[1];
    const mode = this.args.init ?? 'torch';
    this.kernelVar = this.addWeight('depthwise_kernel', [kernel[0], kernel[1], cin, multiplier], 'float32',
      torchUniform(fanIn, this.args.initSeed, mode));
    if (this.args.bias) {
      this.biasVar = this.addWeight('bias', [cin * multiplier], 'float32', torchUniform(fanIn, biasSeed(this.args.initSeed), mode));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = oneShape(inputShape);
    const [h, w] = spatialOut(this.args, s[1] as number, s[2] as number);
    return [s[0] ?? null, h, w, (s[3] as number) * this.args.multiplier];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const { padding, kernel: k, stride, dilation } = this.args;
      const x0 = one(inputs) as tf.Tensor4D;
      const x = padSpatial(x0, convPads(padding, [x0.shape[1], x0.shape[2]], k, stride, dilation));
      const kernel = dilateKernel(this.kernelVar!.read() as tf.Tensor4D, dilation);
      let y: tf.Tensor = tf.depthwiseConv2d(x, kernel, stride, 'valid');
      if (this.biasVar) y = tf.add(y, this.biasVar.read());
      return activate(y, this.args.activation, this.args.alpha);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...convConfig(this.args), multiplier: this.args.multiplier } as tf.serialization.ConfigDict;
  }
}

tf.serialization.registerClass(CnnConv2D);
tf.serialization.registerClass(CnnDepthwiseConv2D);
