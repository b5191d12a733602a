import {
  model, conv2d, batchNorm, relu, maxPool2d, adaptiveAvgPool2d, flatten, dense, block, residual, repeat,
  type Training,
} from 'cnn-explorer';

// Fine-tuning (seed 002): torchvision's ResNet-18 with its ImageNet weights, a new 10-class head,
// trained on CIFAR-10's 32×32 images as they are (the note changes no other layer: the 7×7/2
// stem and the max pool bring 32×32 down to 8×8, and layer4 ends at 1×1). Every convolution is
// frozen for the first 5 epochs (only the head learns), then everything trains at lr 1e-4;
// Adam with weight decay 1e-4 and ReduceLROnPlateau(factor 0.5, patience 2) on the test loss.
// The note gives its result as curves: a few epochs after unfreezing it matches what its CNN
// reached in 20 epochs, and it converges above the 80% of the model trained from scratch.
// One epoch of CIFAR-10 (50,000 images, batch 64) on this project's shared 2-core machine,
// measured 2026-12-05 on CIFAR-format random data, a few steps scaled (bench/README.md, "Course
// examples"): torch ~1 min frozen, ~6 min unfrozen; wasm ~2 min frozen, ~24 min unfrozen.

/** Two 3×3 convolutions and a shortcut: the identity, or a strided 1×1 projection where the size changes. */
function basicBlock(channels: number, stride: number) {
  const projection = stride === 1 ? [] : [conv2d(channels, 1, { stride, bias: false }), batchNorm()];
  return [
    residual([
      conv2d(channels, 3, { stride, padding: 1, bias: false }), batchNorm(), relu(),
      conv2d(channels, 3, { padding: 1, bias: false }), batchNorm(),
    ], { shortcut: projection }),
    relu(),
  ];
}

function stage(index: number, channels: number) {
  return block(`layer${index}`, repeat(2, (i) => basicBlock(channels, i === 0 && index > 1 ? 2 : 1)));
}

// torchvision's resnet18 layer for layer, so its state_dict lines up tensor for tensor; only
// the head's shape differs ([10, 512] here, [1000, 512] there), and it keeps its initialisation.
export default model('ResNet-18 (fine-tuned)', [32, 32, 3], [
  block('stem', [
    conv2d(64, 7, { stride: 2, padding: 3, bias: false }), batchNorm(), relu(),
    maxPool2d(3, { stride: 2, padding: 1 }),
  ]),
  stage(1, 64),
  stage(2, 128),
  stage(3, 256),
  stage(4, 512),
  adaptiveAvgPool2d(1),
  flatten(),
  dense(10, { name: 'fc' }),
]);

export const training: Training = {
  dataset: 'cifar10',
  epochs: 40,
  batchSize: 64,
  initFrom: 'torchvision:resnet18',
  // requires_grad=False on everything but fc for 5 epochs, then lr 1e-4 for all.
  freeze: { layers: 'all-but-last', epochs: 5, lrAfter: 1e-4 },
  optimizer: { type: 'adam', lr: 1e-3, weightDecay: 1e-4 },
  schedule: { type: 'plateau', factor: 0.5, patience: 2 },
  augment: {
    randomCrop: { padding: 4 }, horizontalFlip: true,
    colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.1 }, rotation: 15,
  },
  normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
};
