import {
  model, conv2d, batchNorm, relu, maxPool2d, avgPool2d, adaptiveAvgPool2d, flatten, dense,
  block, residual, repeat, type LayerList, type Model,
} from 'cnn-explorer';

// ResNets as torchvision builds them (and seed 003's CIFAR variant): convolutions without bias,
// each followed by BatchNorm; blocks add a shortcut that is the identity, or a strided 1×1
// projection where the size or the channels change.

/** A convolution (no bias, padding that keeps the size at stride 1) and its BatchNorm. */
export function convBn(filters: number, kernel: number, stride = 1): LayerList {
  return [conv2d(filters, kernel, { stride, padding: (kernel - 1) / 2, bias: false }), batchNorm()];
}

function shortcut(inChannels: number, outChannels: number, stride: number): LayerList {
  return stride === 1 && inChannels === outChannels ? [] : convBn(outChannels, 1, stride);
}

/** Two 3×3 convolutions (ResNet-18/34). Output channels: `channels`. */
export function basicBlock(inChannels: number, channels: number, stride: number): LayerList {
  return [
    residual([...convBn(channels, 3, stride), relu(), ...convBn(channels, 3)],
      { shortcut: shortcut(inChannels, channels, stride) }),
    relu(),
  ];
}

/** 1×1 down to `width`, 3×3 (strided, as in torchvision's v1.5), 1×1 up to 4·width (ResNet-50+). */
export function bottleneck(inChannels: number, width: number, stride: number): LayerList {
  const out = width * 4;
  return [
    residual([...convBn(width, 1), relu(), ...convBn(width, 3, stride), relu(), ...convBn(out, 1)],
      { shortcut: shortcut(inChannels, out, stride) }),
    relu(),
  ];
}

export type BlockKind = 'basic' | 'bottleneck';

export interface ResNetOptions {
  name: string;
  block: BlockKind;
  /** Blocks per stage, e.g. [2, 2, 2, 2] for ResNet-18. */
  layers: [number, number, number, number];
  classes: number;
  /** `imagenet`: 224×224×3, 7×7/2 stem and a max pool; `cifar`: 32×32×3, 3×3/1 stem, no pool. */
  variant: 'imagenet' | 'cifar';
}

export function resnet(o: ResNetOptions): Model {
  const expansion = o.block === 'basic' ? 1 : 4;
  const unit = o.block === 'basic' ? basicBlock : bottleneck;
  let channels = 64; // what the stem hands to layer1
  const stages = o.layers.map((count, s) => {
    const width = 64 * 2 ** s;
    const name = `layer${s + 1}`;
    const stage = block(name, repeat(count, (i) => {
      const b = block(`${name}.${i}`, unit(channels, width, i === 0 && s > 0 ? 2 : 1));
      channels = width * expansion;
      return b;
    }));
    return stage;
  });
  const imagenet = o.variant === 'imagenet';
  return model(o.name, imagenet ? [224, 224, 3] : [32, 32, 3], [
    block('stem', imagenet
      ? [...convBn(64, 7, 2), relu(), maxPool2d(3, { stride: 2, padding: 1 })]
      : [...convBn(64, 3, 1), relu()]),
    stages,
    // torchvision pools adaptively to 1×1; seed 003 uses F.avg_pool2d(out, 4) on the 4×4 map.
    imagenet ? adaptiveAvgPool2d(1) : avgPool2d(4),
    flatten(),
    dense(o.classes, { name: 'fc' }),
  ]);
}
