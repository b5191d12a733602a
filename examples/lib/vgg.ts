import {
  model, conv2d, maxPool2d, adaptiveAvgPool2d, relu, dropout, flatten, dense, block, repeat,
  type Model,
} from 'cnn-explorer';

// VGG as torchvision builds it: stages of 3×3 convolutions (padding 1 keeps the size), each
// closed by a 2×2 max pool, then a 4096-4096 classifier on the 7×7×512 map.

/** Convolutions per stage and their channels, e.g. VGG-16: [[2, 64], [2, 128], [3, 256], [3, 512], [3, 512]]. */
export type VggConfig = [convs: number, channels: number][];

export const VGG11: VggConfig = [[1, 64], [1, 128], [2, 256], [2, 512], [2, 512]];
export const VGG16: VggConfig = [[2, 64], [2, 128], [3, 256], [3, 512], [3, 512]];

export function vgg(name: string, config: VggConfig, classes = 1000): Model {
  return model(name, [224, 224, 3], [
    block('features', config.map(([convs, channels], i) => block(`stage${i + 1}`, [
      repeat(convs, () => [conv2d(channels, 3, { padding: 1 }), relu()]),
      maxPool2d(2, { name: `pool${i + 1}` }),
    ]))),
    adaptiveAvgPool2d(7),
    flatten(),
    block('classifier', [
      dense(4096), relu(), dropout(0.5),
      dense(4096), relu(), dropout(0.5),
      dense(classes),
    ]),
  ]);
}
