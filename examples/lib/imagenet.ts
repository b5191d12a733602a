import type { Training } from 'cnn-explorer';

// One training setup for the ImageNet-sized examples: a folder of images (one sub-folder per
// class) resized to 224×224, torchvision's recipe (SGD 0.1, momentum 0.9, step decay).
export const imagenetTraining: Training = {
  dataset: { folder: 'data/images', imageSize: [224, 224], channels: 3 },
  epochs: 90,
  batchSize: 32,
  optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 1e-4 },
  schedule: { type: 'step', stepSize: 30, gamma: 0.1 },
  augment: { horizontalFlip: true },
  normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
};
