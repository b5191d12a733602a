import {
  model, conv2d, maxPool2d, adaptiveAvgPool2d, relu, dropout, flatten, dense, block, type Training,
} from 'cnn-explorer';

// Fine-tuning AlexNet (seed 002, its comparison with ResNet-18): torchvision's AlexNet with its
// ImageNet weights, changed for 32×32 images as the note changes it: the first convolution
// becomes 3×3 stride 1 (11×11 stride 4 would leave almost nothing of the image), the first max
// pool 2×2 stride 2, and the last layer a new 10-class one. The note copies a 3×3 window of each
// pretrained 11×11 kernel into the new first layer; initFrom copies whole tensors only, so its
// kernels start from their initialisation here (its bias, of the same shape, is copied), as the
// new head does. `features` is frozen for 5 epochs (the note freezes all but `classifier`), then
// everything trains at lr 1e-4: Adam with weight decay 1e-4, ReduceLROnPlateau(0.5, patience 2),
// 20 epochs. The note reports this run's accuracy only as a plot.
// One epoch of CIFAR-10 (50,000 images, batch 64) on this project's shared 2-core machine,
// measured 2026-12-05 on CIFAR-format random data, a few steps scaled under heavy load
// (bench/README.md, "Course examples"): torch ~2–4 h, wasm ~0.7–2.5 h (frozen or not).

// After `features` the map is 3×3×256; the adaptive pool spreads it over torchvision's 6×6, so
// the classifier keeps its ImageNet shapes (and weights).
export default model('AlexNet (fine-tuned)', [32, 32, 3], [
  block('features', [
    conv2d(64, 3, { padding: 1 }), relu(),
    maxPool2d(2, { stride: 2 }),
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
    dense(10),
  ]),
]);

export const training: Training = {
  dataset: 'cifar10',
  epochs: 20,
  batchSize: 64,
  initFrom: 'torchvision:alexnet',
  freeze: { layers: ['features'], epochs: 5, lrAfter: 1e-4 },
  optimizer: { type: 'adam', lr: 1e-3, weightDecay: 1e-4 },
  schedule: { type: 'plateau', factor: 0.5, patience: 2 },
  augment: {
    randomCrop: { padding: 4 }, horizontalFlip: true,
    colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.1 }, rotation: 15,
  },
  normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
};
