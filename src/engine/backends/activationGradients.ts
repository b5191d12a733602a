// The gradients of ReLU and sigmoid through our one-pass kernels (kernelNames.ts) on backends
// that have them (wasm), tfjs's own formulas elsewhere. tfjs keeps one gradient per kernel name
// for every backend, so these replace its Relu and Sigmoid gradients and choose by the backend
// each time they run.

import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL } from './kernelNames';

/** Ours where the current backend has `kernel` and the tensors are float32, else tfjs's `formula`. */
function fused(kernel: string, dy: tf.Tensor, saved: tf.Tensor, formula: () => tf.Tensor): tf.Tensor {
  return tf.getKernel(kernel, tf.getBackend()) && dy.dtype === 'float32' && saved.dtype === 'float32'
    ? tf.engine().runKernel(kernel, { dy, x: saved }) as tf.Tensor
    : formula();
}

/** Idempotent; call after tfjs's gradients are registered (importing @tensorflow/tfjs-layers does). */
export function registerActivationGradients(): void {
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => fused(RELU_GRAD_KERNEL, dy as tf.Tensor, x, () => tf.mul(dy as tf.Tensor, tf.cast(tf.step(x), 'float32'))) };
    },
  });
  tf.registerGradient({
    kernelName: tf.Sigmoid,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as [tf.Tensor];
      return { x: () => fused(SIGMOID_GRAD_KERNEL, dy as tf.Tensor, y, () => tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(tf.scalar(1), y)))) };
    },
  });
}
