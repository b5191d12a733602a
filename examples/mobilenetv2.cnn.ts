import {
  model, conv2d, depthwiseConv2d, batchNorm, relu6, dropout, globalAvgPool, dense, block,
  residual, type LayerItem, type LayerList,
} from 'cnn-explorer';
import { imagenetTraining } from './lib/imagenet';

// MobileNetV2 as torchvision builds it (width 1.0): 3,504,872 parameters. Inverted residual
// blocks expand with a 1×1, filter with a 3×3 depthwise convolution, and project back with a
// linear 1×1 (no activation); the shortcut exists where the shape is unchanged.

function convBnRelu6(filters: number, kernel: number, stride = 1): LayerList {
  return [conv2d(filters, kernel, { stride, padding: (kernel - 1) / 2, bias: false }), batchNorm(), relu6()];
}

function invertedResidual(inChannels: number, outChannels: number, stride: number, expand: number): LayerList {
  const hidden = inChannels * expand;
  const body: LayerList = [
    expand === 1 ? [] : convBnRelu6(hidden, 1),
    depthwiseConv2d(3, { stride, padding: 1, bias: false }), batchNorm(), relu6(),
    conv2d(outChannels, 1, { bias: false }), batchNorm(),
  ];
  return stride === 1 && inChannels === outChannels ? [residual(body)] : body;
}

// [expansion t, output channels c, repeats n, first stride s], as in the paper's table 2.
const SETTINGS: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
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

export default model('MobileNetV2', [224, 224, 3], [
  block('stem', convBnRelu6(32, 3, 2)),
  bottlenecks(),
  block('head', convBnRelu6(1280, 1)),
  globalAvgPool(),
  dropout(0.2),
  dense(1000, { name: 'classifier' }),
]);

export const training = imagenetTraining;
