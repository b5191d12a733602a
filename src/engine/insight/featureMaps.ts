// One node's activations for one image: the feature maps a convolution computes.
import * as tf from '@tensorflow/tfjs-core';
import { forwardNodes, type InsightModel } from './forward';

export interface FeatureMaps {
  nodeId: string;
  height: number;
  width: number;
  channels: number;
  /** channels × height × width values (channel-major: one map after another), as computed. */
  values: Float32Array;
}

export function featureMaps(m: InsightModel, image: tf.Tensor, nodeId: string): FeatureMaps {
  const node = m.ir.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`model '${m.ir.name}' has no layer '${nodeId}'`);
  const out = tf.tidy(() => {
    const a = forwardNodes(m, tf.expandDims(image, 0), { until: nodeId }).get(nodeId)!;
    if (a.rank !== 4) throw new Error(`${node.path}'s output has no feature maps (shape ${JSON.stringify(a.shape.slice(1))})`);
    return tf.transpose(tf.squeeze(a, [0]), [2, 0, 1]);
  });
  const [channels, height, width] = out.shape as [number, number, number];
  const values = Float32Array.from(out.dataSync() as Float32Array);
  out.dispose();
  return { nodeId, height, width, channels, values };
}
