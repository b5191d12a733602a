import { model, conv2d, maxPool2d, relu, flatten, dense, logSoftmax, type Training } from 'cnn-explorer';

// An experiment: an MLP and a small CNN with about the same number of parameters
// (6,442 and 6,422) on MNIST. Then train both again with `permutePixels` set: one fixed
// shuffle of the pixels. The MLP does not care; the CNN loses, because its kernels rely on
// neighbouring pixels being neighbours.

/** 784 → 8 → 8 → 10. */
export const mlp = model('MLP', [28, 28, 1], [
  flatten(),
  dense(8), relu(),
  dense(8), relu(),
  dense(10), logSoftmax(),
]);

const nFeature = 6;

/** Two 5×5 convolutions with max pooling, then a small classifier: 24×24 → 12×12 → 8×8 → 4×4. */
export const cnn = model('CNN', [28, 28, 1], [
  conv2d(nFeature, 5), relu(), maxPool2d(2),
  conv2d(nFeature, 5), relu(), maxPool2d(2),
  flatten(),
  dense(50), relu(),
  dense(10), logSoftmax(),
]);

export default cnn;

export const training: Training = {
  dataset: 'mnist',
  epochs: 3,
  batchSize: 64,
  optimizer: { type: 'sgd', lr: 0.01, momentum: 0.5 },
  // MNIST's own mean and std, as PyTorch's transforms.Normalize((0.1307,), (0.3081,)).
  normalize: { mean: [0.1307], std: [0.3081] },
  // permutePixels: 42,   // uncomment to shuffle the pixels (the same way for every image)
};
