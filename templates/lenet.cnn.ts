import { model, conv2d, avgPool2d, sigmoid, flatten, dense, type Training } from 'cnn-explorer';

// LeNet-5 as in Dive into Deep Learning: sigmoid activations and average pooling, with the
// first convolution padded so that 28×28 MNIST digits keep their size.
// 28×28×6 → 14×14×6 → 10×10×16 → 5×5×16 → 400 → 120 → 84 → 10; 61,706 parameters.

export default model('LeNet-5', [28, 28, 1], [
  conv2d(6, 5, { padding: 2 }), sigmoid(),
  avgPool2d(2),
  conv2d(16, 5), sigmoid(),
  avgPool2d(2),
  flatten(),
  dense(120), sigmoid(),
  dense(84), sigmoid(),
  dense(10),
]);

// The best epoch's weights are kept, not the last.
export const training: Training = {
  dataset: 'mnist',
  epochs: 10,
  // Sigmoid LeNet sits on a loss plateau (≈2.30) for its first few hundred steps: normalized
  // inputs, small batches and a higher Adam rate get it past that within the first epoch. The
  // cosine schedule then lowers the rate over the ten epochs.
  batchSize: 16,
  optimizer: { type: 'adam', lr: 5e-3 },
  schedule: { type: 'cosine' },
  normalize: { mean: [0.1307], std: [0.3081] },
};
