import {
  model, conv2d, batchNorm, relu, maxPool2d, adaptiveAvgPool2d, flatten, dense, block, residual, repeat,
} from 'cnn-explorer';
import { imagenetTraining } from './lib/imagenet';

// ResNet-18, torchvision: 11,689,512 parameters (and 9,600 BatchNorm running statistics).
// 112×112×64 after the stem's convolution, 56×56×64 after its pool, then 56 → 28 → 14 → 7.
// Written out in full here; resnet34/50/152 build the same way from ./lib/resnet.ts.

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

/** Two basic blocks; all but the first stage halve the size and double the channels. */
function stage(index: number, channels: number) {
  return block(`layer${index}`, repeat(2, (i) => basicBlock(channels, i === 0 && index > 1 ? 2 : 1)));
}

export default model('ResNet-18', [224, 224, 3], [
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
  dense(1000, { name: 'fc' }),
]);

export const training = imagenetTraining;
