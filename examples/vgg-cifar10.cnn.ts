import {
  model, conv2d, batchNorm, relu, maxPool2d, flatten, dense, block, type Training,
} from 'cnn-explorer';

// A VGG for CIFAR-10 (seed 000, experiment 3): 3×3 convolutions with BatchNorm and ReLU, each
// stage closed by a 2×2 max pool, so 32×32 shrinks to 1×1×512, then one 512 → 10 layer. The
// note prints its run rather than its code: 391 steps per epoch (batch 128), 10 epochs, Adam,
// the best epoch kept: 84.69% test accuracy, per class plane 81.6%, car 94.1%, bird 84.2%,
// cat 75.6%, deer 88.1%, dog 69.5%, frog 86.5%, horse 86.6%, ship 90.8%, truck 89.9%. The
// layers, optimizer settings and augmentation are not in the note: this is a reconstruction,
// VGG-11's configuration A with BatchNorm, Adam at 1e-3, random crop and flip, with the note's
// batch size and epochs. Every run records the per-class test accuracy each epoch:
// `cnn-explorer runs show RUN` and `cnn-explorer evaluate RUN` print it, the run view plots it.
// One epoch of CIFAR-10 (50,000 images, batch 128) on this project's shared 2-core machine,
// measured 2026-12-05 on CIFAR-format random data, a few steps scaled (bench/README.md, "Course
// examples"): torch ~4 min, wasm ~1 h.

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
