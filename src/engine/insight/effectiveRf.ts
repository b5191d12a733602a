// The effective receptive field (Luo et al.): how much each input pixel moves the centre unit of
// one layer's output, |∂(Σ_c out[centre, c]) / ∂x|, summed over the input's channels, averaged
// over images and scaled to [0, 1]. The theoretical field bounds it; training shapes it.
import * as tf from '@tensorflow/tfjs-core';
import { forwardNodes, type InsightModel } from './forward';

export interface EffectiveRf {
  nodeId: string;
  /** The output unit differentiated: row and column of the node's output. */
  centre: [number, number];
  /** height × width values in [0, 1], row-major, at the input's size. */
  values: Float32Array;
  height: number;
  width: number;
  images: number;
}

/** `images`: normalized inputs, [n, ...inputShape]. */
export function effectiveRf(m: InsightModel, images: tf.Tensor, nodeId: string): EffectiveRf {
  const node = m.ir.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`model '${m.ir.name}' has no layer '${nodeId}'`);
  const [height, width] = m.ir.inputShape as [number, number];
  let centre: [number, number] = [0, 0];
  const values = tf.tidy(() => {
    const unit = (x: tf.Tensor): tf.Scalar => {
      const out = forwardNodes(m, x, { until: nodeId }).get(nodeId)!;
      if (out.rank !== 4) throw new Error(`${node.path}'s output is not an image (shape ${JSON.stringify(out.shape.slice(1))})`);
      const [, h, w, c] = out.shape as [number, number, number, number];
      centre = [Math.floor((h - 1) / 2), Math.floor((w - 1) / 2)];
      // Each image's own centre unit: the sum over the batch separates, image by image.
      return tf.sum(tf.slice(out, [0, centre[0], centre[1], 0], [-1, 1, 1, c])) as tf.Scalar;
    };
    const g = tf.abs(tf.grad(unit)(images)); // [n, h, w, c]
    const mean = tf.mean(tf.sum(g, -1), 0); // [h, w]
    return tf.reshape(tf.divNoNan(mean, tf.max(mean)), [-1]);
  });
  const data = Float32Array.from(values.dataSync() as Float32Array);
  values.dispose();
  return { nodeId, centre, values: data, height, width, images: images.shape[0]! };
}
