// Grad-CAM (Selvaraju et al.): where in the image the evidence for one class lies, as the last
// convolution sees it. A = that layer's activations (h×w×k) for one image; the weight of channel
// k is the spatial mean of ∂score/∂A_k; cam = ReLU(Σ_k w_k A_k), resized to the input and scaled
// to [0, 1].
import * as tf from '@tensorflow/tfjs-core';
import { forwardNodes, lastConvolution, type InsightModel } from './forward';

export interface GradCam {
  /** The node whose output was used (the last convolution, or its activation). */
  nodeId: string;
  /** height × width values in [0, 1], row-major, at the input's size. */
  values: Float32Array;
  height: number;
  width: number;
}

/**
 * Grad-CAM of `image` (one normalized input, shaped as the model's input without the batch) for
 * `classIndex`. The score is the model's output for that class (a logit, or a probability where
 * the model ends in softmax).
 */
export function gradCam(m: InsightModel, image: tf.Tensor, classIndex: number): GradCam {
  const target = lastConvolution(m.ir);
  if (!target) throw new Error(`model '${m.ir.name}' has no convolution: Grad-CAM needs one`);
  const [height, width] = m.ir.inputShape as [number, number];
  const values = tf.tidy(() => {
    const x = tf.expandDims(image, 0);
    const a = forwardNodes(m, x, { until: target.id }).get(target.id)!;
    if (a.rank !== 4) throw new Error(`${target.path}'s output is not an image (shape ${JSON.stringify(a.shape)})`);
    const score = (act: tf.Tensor): tf.Scalar => {
      const out = forwardNodes(m, x, { replace: { id: target.id, value: act } }).get(m.ir.output)!;
      return tf.squeeze(tf.slice(out, [0, classIndex], [1, 1])) as tf.Scalar;
    };
    const grads = tf.grad(score)(a); // [1, h, w, k]
    const weights = tf.mean(grads, [1, 2]); // [1, k]
    const cam = tf.relu(tf.sum(tf.mul(a, tf.reshape(weights, [1, 1, 1, -1])), -1, true)); // [1, h, w, 1]
    const resized = tf.image.resizeBilinear(cam as tf.Tensor4D, [height, width], true);
    const max = tf.max(resized);
    return tf.reshape(tf.divNoNan(resized, max), [-1]);
  });
  const data = values.dataSync() as Float32Array;
  values.dispose();
  return { nodeId: target.id, values: Float32Array.from(data), height, width };
}
