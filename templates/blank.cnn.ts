import { model, conv2d, relu, maxPool2d, flatten, dense, type Training } from 'cnn-explorer';

// A starting point: one convolution, one pool and a classifier for 28×28 grey images. Each line
// ends with the shape it makes; hover a call for its arithmetic. The DSL is described in
// CNN Explorer's docs/dsl.md.

export default model('My model', [28, 28, 1], [
  conv2d(8, 3, { padding: 1 }), relu(),
  maxPool2d(2),
  flatten(),
  dense(10),
]);

// How Train Model trains it: the dataset, epochs, batch size and optimizer.
export const training: Training = {
  dataset: 'mnist',
  epochs: 1,
  batchSize: 64,
  optimizer: { type: 'adam', lr: 1e-3 },
};
