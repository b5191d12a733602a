// ReLU's gradient through RELU_GRAD_KERNEL on backends that have it (wasm), tfjs's own formula,
// dy · step(x), elsewhere. tfjs keeps one gradient per kernel name for every backend, so this
// replaces its Relu gradient and chooses by the backend each time it runs.

import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL } from './kernelNames';

/** Idempotent; call after tfjs's gradients are registered (importing @tensorflow/tfjs-layers does). */
export function registerReluGradient(): void {
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const dyt = dy as tf.Tensor;
      const [x] = saved as [tf.Tensor];
      return {
        x: () => (tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) && dyt.dtype === 'float32' && x.dtype === 'float32'
          ? tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: dyt, x }) as tf.Tensor
          : tf.mul(dyt, tf.cast(tf.step(x), 'float32'))),
      };
    },
  });
}
