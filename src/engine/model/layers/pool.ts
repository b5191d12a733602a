// Pooling with PyTorch's semantics: numeric padding (−∞ for max, so padding never wins; zeros
// counted in the mean for average), ceilMode, and AdaptiveAvgPool2d's bins.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { AxisGeometry } from '../../../analysis/geometry';
import type { Pair, PaddingSpec } from '../../../dsl/ir';
import { adaptiveBins, padsOf, poolDivisors, windowAxes } from '../geometry';
import { one, oneShape, padSpatial, type Kwargs, type LayerArgs } from './common';

export interface Pool2DArgs extends LayerArgs {
  mode: 'max' | 'avg';
  kernel: Pair;
  stride: Pair;
  padding: PaddingSpec;
  ceilMode: boolean;
}

/** Both axes for an input of [h, w]: PyTorch's padding and ceil mode (the DSL gives pools numbers only). */
function axes(a: Pool2DArgs, h: number, w: number): [AxisGeometry, AxisGeometry] {
  return windowAxes(a.padding, [h, w], a.kernel, a.stride, [1, 1], a.ceilMode);
}

export class CnnPool2D extends tfl.layers.Layer {
  static className = 'CnnPool2D';
  readonly args: Pool2DArgs;

  constructor(args: Pool2DArgs) {
    super(args);
    this.args = args;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = oneShape(inputShape);
    const [ah, aw] = axes(this.args, s[1] as number, s[2] as number);
    return [s[0] ?? null, ah.out, aw.out, s[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      const [ph, pw] = axes(this.args, x.shape[1], x.shape[2]);
      const { kernel, stride, mode } = this.args;
      const pads = padsOf([ph, pw]);
      if (mode === 'max') {
        return tf.maxPool(padSpatial(x, pads, -Infinity), kernel, stride, 'valid');
      }
      const mean = tf.avgPool(padSpatial(x, pads, 0), kernel, stride, 'valid');
      if (ph.overhang === 0 && pw.overhang === 0) return mean;
      // Windows that reach into the ceil-mode overhang divide by the cells inside the padded input
      // only (PyTorch), not by the full kernel: rescale those positions.
      return tf.mul(mean, this.rescale(ph, pw));
    });
  }

  private rescale(ph: AxisGeometry, pw: AxisGeometry): tf.Tensor3D {
    const [kh, kw] = this.args.kernel;
    const dh = poolDivisors(ph, kh, this.args.stride[0]);
    const dw = poolDivisors(pw, kw, this.args.stride[1]);
    const values = new Float32Array(ph.out * pw.out);
    for (let i = 0; i < ph.out; i++) for (let j = 0; j < pw.out; j++) values[i * pw.out + j] = (kh * kw) / (dh[i]! * dw[j]!);
    return tf.tensor3d(values, [ph.out, pw.out, 1]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { mode, kernel, stride, padding, ceilMode } = this.args;
    return { ...super.getConfig(), mode, kernel, stride, padding, ceilMode };
  }
}

export interface AdaptiveArgs extends LayerArgs { size: Pair }

/**
 * AdaptiveAvgPool2d as PyTorch: output cell i averages input rows [⌊i·H/out⌋, ⌈(i+1)·H/out⌉).
 * Written as two small matrix products (rows, then columns) so that it trains on every backend.
 */
export class CnnAdaptiveAvgPool2D extends tfl.layers.Layer {
  static className = 'CnnAdaptiveAvgPool2D';
  readonly args: AdaptiveArgs;

  constructor(args: AdaptiveArgs) {
    super(args);
    this.args = args;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = oneShape(inputShape);
    return [s[0] ?? null, this.args.size[0], this.args.size[1], s[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      const [n, h, w, c] = x.shape;
      const [oh, ow] = this.args.size;
      if (h % oh === 0 && w % ow === 0) {
        // Equal bins: a plain average pool does the same, faster.
        return tf.avgPool(x, [h / oh, w / ow], [h / oh, w / ow], 'valid');
      }
      const rows = averagingMatrix(h, oh); // [h, oh]
      const cols = averagingMatrix(w, ow); // [w, ow]
      // [n, h, w, c] → [n·w·c, h] · [h, oh] → [n, w, c, oh]
      const byRow = tf.reshape(tf.matMul(tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [n * w * c, h]), rows), [n, w, c, oh]);
      // [n, w, c, oh] → [n, oh, c, w] → [n·oh·c, w] · [w, ow] → [n, oh, c, ow] → [n, oh, ow, c]
      const t = tf.reshape(tf.transpose(byRow, [0, 3, 2, 1]), [n * oh * c, w]);
      return tf.transpose(tf.reshape(tf.matMul(t, cols), [n, oh, c, ow]), [0, 1, 3, 2]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.args.size };
  }
}

/** [size, out]: column i holds 1/binSize over bin i's rows. */
function averagingMatrix(size: number, out: number): tf.Tensor2D {
  const m = new Float32Array(size * out);
  adaptiveBins(size, out).forEach(([start, end], i) => {
    for (let r = start; r < end; r++) m[r * out + i] = 1 / (end - start);
  });
  return tf.tensor2d(m, [size, out]);
}

tf.serialization.registerClass(CnnPool2D);
tf.serialization.registerClass(CnnAdaptiveAvgPool2D);
