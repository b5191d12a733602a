import type { LayerOp } from '../../src/dsl/ir';

/** Colour family of a layer type (the CSS maps each to a theme colour). */
export type OpCategory = 'conv' | 'pool' | 'norm' | 'activation' | 'dense' | 'merge' | 'shape';

export function opCategory(op: LayerOp): OpCategory {
  switch (op.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return 'conv';
    case 'maxPool2d':
    case 'avgPool2d':
    case 'adaptiveAvgPool2d':
    case 'globalAvgPool':
    case 'globalMaxPool':
      return 'pool';
    case 'batchNorm':
    case 'lrn':
    case 'dropout':
      return 'norm';
    case 'dense':
      return 'dense';
    case 'add':
    case 'concat':
      return 'merge';
    case 'flatten':
    case 'zeroPad2d':
      return 'shape';
    default:
      return 'activation';
  }
}
