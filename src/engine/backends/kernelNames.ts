// Names of the kernels CNN Explorer registers itself (for some backends only): code that uses
// them checks `tf.getKernel(name, backend)` and otherwise takes tfjs's ops. A module of its own
// so that the training code can name them without loading a backend.

/**
 * One SGD-with-momentum update of one variable, in one pass: inputs value, accumulation,
 * gradient; attrs lr, momentum, nesterov; outputs [value', accumulation'] with tfjs's
 * MomentumOptimizer's arithmetic. Replaces its four element-wise kernels per variable.
 */
export const SGD_MOMENTUM_KERNEL = 'CnnExplorerSgdMomentum';

/**
 * ReLU's gradient in one pass: inputs dy and x (float32, one shape); output dy · (x > 0 ? 1 : 0),
 * as tfjs computes it. Replaces tfjs's step, cast and multiply (see backends/activationGradients.ts).
 */
export const RELU_GRAD_KERNEL = 'CnnExplorerReluGrad';

/**
 * Sigmoid's gradient in one pass: inputs dy and x (here the sigmoid's output y; float32, one
 * shape); output dy · (y · (1 − y)), as tfjs computes it. Replaces its sub and two multiplies.
 */
export const SIGMOID_GRAD_KERNEL = 'CnnExplorerSigmoidGrad';
