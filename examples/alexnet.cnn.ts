import {
  model, conv2d, maxPool2d, adaptiveAvgPool2d, relu, dropout, flatten, dense, block, type Training,
} from 'cnn-explorer';

// AlexNet as torchvision builds it (the single-GPU variant without LRN): 61,100,840 parameters.
// After `features` the map is 6×6×256, and each of its positions sees 195×195 input pixels
// with a jump of 32.

export default model('AlexNet', [224, 224, 3], [
  block('features', [
    conv2d(64, 11, { stride: 4, padding: 2 }), relu(),
    maxPool2d(3, { stride: 2 }),
    conv2d(192, 5, { padding: 2 }), relu(),
    maxPool2d(3, { stride: 2 }),
    conv2d(384, 3, { padding: 1 }), relu(),
    conv2d(256, 3, { padding: 1 }), relu(),
    conv2d(256, 3, { padding: 1 }), relu(),
    maxPool2d(3, { stride: 2 }),
  ]),
  adaptiveAvgPool2d(6),
  flatten(),
  block('classifier', [
    dropout(0.5), dense(4096), relu(),
    dropout(0.5), dense(4096), relu(),
    dense(1000),
  ]),
]);

// ImageNet-sized input: train on a folder of images, one sub-folder per class.
export const training: Training = {
  dataset: { folder: 'data/images', imageSize: [224, 224], channels: 3 },
  epochs: 20,
  batchSize: 64,
  optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4 },
  schedule: { type: 'step', stepSize: 10, gamma: 0.1 },
  augment: { horizontalFlip: true },
  normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
};
