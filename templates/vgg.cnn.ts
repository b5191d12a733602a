import {
  model, conv2d, batchNorm, relu, maxPool2d, flatten, dense, block, type Training,
} from 'cnn-explorer';

// A VGG for CIFAR-10: VGG-11's configuration A with BatchNorm. 3×3 convolutions keep the size,
// each stage ends with a 2×2 max pool, so 32×32 shrinks to 1×1×512 before one 512 → 10 layer.

/** A 3×3 convolution (size kept), its BatchNorm and ReLU. */
const convBnRelu = (channels: number) => [conv2d(channels, 3, { padding: 1 }), batchNorm(), relu()];

export default model('VGG (CIFAR-10)', [32, 32, 3], [
  block('features', [
    block('stage1', [...convBnRelu(64), maxPool2d(2)]),
    block('stage2', [...convBnRelu(128), maxPool2d(2)]),
    block('stage3', [...convBnRelu(256), ...convBnRelu(256), maxPool2d(2)]),
    block('stage4', [...convBnRelu(512), ...convBnRelu(512), maxPool2d(2)]),
    block('stage5', [...convBnRelu(512), ...convBnRelu(512), maxPool2d(2)]),
  ]),
  flatten(),
  dense(10, { name: 'classifier' }),
]);

export const training: Training = {
  dataset: 'cifar10',
  epochs: 10,
  batchSize: 128,
  optimizer: { type: 'adam', lr: 1e-3 },
  augment: { randomCrop: { padding: 4 }, horizontalFlip: true },
  normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
};
