import {
  model, conv2d, depthwiseConv2d, batchNorm, relu6, dropout, globalAvgPool, dense, block,
  residual, type LayerItem, type LayerList, type Training,
} from 'cnn-explorer';

// MobileNetV2 (width 1.0) sized for CIFAR-10's 32×32 images: the stem and the second stage keep
// their stride at 1 (torchvision's ImageNet model uses 2), so the last feature map is 4×4, not
// 1×1. Inverted residual blocks expand with a 1×1, filter with a 3×3 depthwise convolution and
// project back with a linear 1×1 (no activation); the shortcut exists where the shape is unchanged.

function convBnRelu6(filters: number, kernel: number, stride = 1): LayerList {
  return [conv2d(filters, kernel, { stride, padding: (kernel - 1) / 2, bias: false }), batchNorm(), relu6()];
}

function invertedResidual(inChannels: number, outChannels: number, stride: number, expand: number): LayerList {
  const body: LayerList = [
    expand === 1 ? [] : convBnRelu6(inChannels * expand, 1),
    depthwiseConv2d(3, { stride, padding: 1, bias: false }), batchNorm(), relu6(),
    conv2d(outChannels, 1, { bias: false }), batchNorm(),
  ];
  return stride === 1 && inChannels === outChannels ? [residual(body)] : body;
}

// [expansion t, output channels c, repeats n, first stride s], the paper's table 2 with the
// second row's stride at 1 for 32×32 inputs.
const SETTINGS: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 1], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

function bottlenecks(): LayerList {
  const out: LayerItem[] = [];
  let channels = 32;
  SETTINGS.forEach(([t, c, n, s], stage) => {
    for (let i = 0; i < n; i++) {
      out.push(block(`block${stage + 1}.${i}`, invertedResidual(channels, c, i === 0 ? s : 1, t)));
      channels = c;
    }
  });
  return out;
}

export default model('MobileNetV2 (CIFAR-10)', [32, 32, 3], [
  block('stem', convBnRelu6(32, 3)),
  bottlenecks(),
  block('head', convBnRelu6(1280, 1)),
  globalAvgPool(),
  dropout(0.2),
  dense(10, { name: 'classifier' }),
]);

export const training: Training = {
  dataset: 'cifar10',
  epochs: 30,
  batchSize: 128,
  optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 4e-5 },
  schedule: { type: 'cosine' },
  augment: { randomCrop: { padding: 4 }, horizontalFlip: true },
  normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
};
