import {
  model, conv2d, maxPool2d, adaptiveAvgPool2d, relu, flatten, dense, block, parallel,
  type Group, type Training,
} from 'cnn-explorer';

// GoogLeNet (Inception v1) as in Dive into Deep Learning (seed 001): 96×96 grey images,
// 10 classes, no auxiliary classifiers. Every Inception path keeps the spatial size, so the
// four outputs concatenate along the channels.

/** Four parallel paths: 1×1; 1×1 → 3×3; 1×1 → 5×5; 3×3 max pool → 1×1. */
function inception(name: string, c1: number, c2: [number, number], c3: [number, number], c4: number): Group {
  return block(name, [parallel([
    [conv2d(c1, 1), relu()],
    [conv2d(c2[0], 1), relu(), conv2d(c2[1], 3, { padding: 1 }), relu()],
    [conv2d(c3[0], 1), relu(), conv2d(c3[1], 5, { padding: 2 }), relu()],
    [maxPool2d(3, { stride: 1, padding: 1 }), conv2d(c4, 1), relu()],
  ])]);
}

const downsample = () => maxPool2d(3, { stride: 2, padding: 1 });

export default model('GoogLeNet', [96, 96, 1], [
  block('b1', [conv2d(64, 7, { stride: 2, padding: 3 }), relu(), downsample()]),
  block('b2', [conv2d(64, 1), relu(), conv2d(192, 3, { padding: 1 }), relu(), downsample()]),
  block('b3', [
    inception('3a', 64, [96, 128], [16, 32], 32),
    inception('3b', 128, [128, 192], [32, 96], 64),
    downsample(),
  ]),
  block('b4', [
    inception('4a', 192, [96, 208], [16, 48], 64),
    inception('4b', 160, [112, 224], [24, 64], 64),
    inception('4c', 128, [128, 256], [24, 64], 64),
    inception('4d', 112, [144, 288], [32, 64], 64),
    inception('4e', 256, [160, 320], [32, 128], 128),
    downsample(),
  ]),
  block('b5', [
    inception('5a', 256, [160, 320], [32, 128], 128),
    inception('5b', 384, [192, 384], [48, 128], 128),
    adaptiveAvgPool2d(1),
    flatten(),
  ]),
  dense(10),
]);

// The book trains it on Fashion-MNIST resized to 96×96: each run resizes the 28×28 images to the
// model's input, and its log says so.
export const training: Training = {
  dataset: 'fashion-mnist',
  epochs: 10,
  batchSize: 128,
  optimizer: { type: 'sgd', lr: 0.1 },
};
