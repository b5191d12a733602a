import {
  model, conv2d, batchNorm, relu, avgPool2d, flatten, dense, block, residual, repeat,
  type LayerList, type Training,
} from 'cnn-explorer';

// ResNet-18 for CIFAR-10: a 3×3 stride-1 stem and no max pool, so the 32×32 image keeps its
// size through layer1: 32 → 32 → 16 → 8 → 4, then a 4×4 average pool and 10 classes.

/** A convolution without bias (padding that keeps the size at stride 1) and its BatchNorm. */
function convBn(channels: number, kernel: number, stride = 1): LayerList {
  return [conv2d(channels, kernel, { stride, padding: (kernel - 1) / 2, bias: false }), batchNorm()];
}

/** Two 3×3 convolutions and a shortcut: the identity, or a strided 1×1 projection where the shape changes. */
function basicBlock(inChannels: number, channels: number, stride: number): LayerList {
  const shortcut = stride === 1 && inChannels === channels ? [] : convBn(channels, 1, stride);
  return [
    residual([...convBn(channels, 3, stride), relu(), ...convBn(channels, 3)], { shortcut }),
    relu(),
  ];
}

/** Two basic blocks; all but the first stage halve the size and double the channels. */
function stage(index: number, channels: number): LayerList {
  const inChannels = index === 1 ? 64 : channels / 2;
  return [block(`layer${index}`, repeat(2, (i) =>
    basicBlock(i === 0 ? inChannels : channels, channels, i === 0 && index > 1 ? 2 : 1)))];
}

export default model('ResNet-18 (CIFAR-10)', [32, 32, 3], [
  block('stem', [...convBn(64, 3), relu()]),
  stage(1, 64), stage(2, 128), stage(3, 256), stage(4, 512),
  avgPool2d(4),
  flatten(),
  dense(10, { name: 'fc' }),
]);

export const training: Training = {
  dataset: 'cifar10',
  epochs: 100,
  batchSize: 128,
  optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 5e-4 },
  // ÷10 at epochs 50 and 75.
  schedule: { type: 'multistep', milestones: [50, 75], gamma: 0.1 },
  augment: { randomCrop: { padding: 4 }, horizontalFlip: true },
  normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
};
