// From a loaded dataset to what the loop feeds the model: the prepared splits (prepareData.ts),
// and batches as tensors.
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData } from './prepareData';

export { prepareData, type PreparedData } from './prepareData';

/**
 * A batch of images (augmented already, for training) as the model's input tensor: normalized
 * and shaped as the model's input ([n, h, w, c], or [n, features] for a flat input).
 */
export function batchTensor(images: Float32Array, count: number, data: PreparedData, inputShape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.tensor(images, [count, ...data.imageShape], 'float32');
    // (x − mean) / std per channel, on the backend: two element-wise kernels there take much
    // less time than a JS loop over the batch, which is on the training step's critical path
    // (bench/README.md), and on a GPU backend they run on the GPU.
    const normalized = data.mean && data.std ? tf.div(tf.sub(x, tf.tensor1d(data.mean)), tf.tensor1d(data.std)) : x;
    return tf.reshape(normalized, [count, ...inputShape]);
  });
}
