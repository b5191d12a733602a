import type { Training } from 'cnn-explorer';
import { resnet } from './lib/resnet';

// Seed 003's ResNet-18 for CIFAR-10: a 3×3 stride-1 stem and no max pool, so the 32×32 image
// keeps its size through layer1: 32 → 32 → 16 → 8 → 4, then a 4×4 average pool and 10 classes.
// 11,173,962 parameters. The seed reached 93.88% test accuracy with this recipe.
// One epoch of CIFAR-10 (50,000 images) on this project's shared 2-core machine, measured
// 2026-12-05 on CIFAR-format random data, a few steps scaled (bench/README.md, "Course
// examples"): torch ~1 h; wasm ~4.7 h (at batch 32: batch 128 did not fit there).
export default resnet({ name: 'ResNet-18 (CIFAR)', block: 'basic', layers: [2, 2, 2, 2], classes: 10, variant: 'cifar' });

export const training: Training = {
  dataset: 'cifar10',
  epochs: 100,
  batchSize: 128,
  optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 5e-4 },
  // The seed's MultiStepLR: ÷10 at epochs 50 and 75.
  schedule: { type: 'multistep', milestones: [50, 75], gamma: 0.1 },
  augment: { randomCrop: { padding: 4 }, horizontalFlip: true },
  normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
};
