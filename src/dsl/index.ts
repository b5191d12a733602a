// The module users import as `cnn-explorer` in their *.cnn.ts files.
export { model } from './model';
export {
  conv2d, depthwiseConv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, globalAvgPool, globalMaxPool,
  batchNorm, lrn, dropout, flatten, dense, zeroPad2d,
  relu, relu6, hardswish, leakyRelu, elu, selu, sigmoid, tanh, softmax, logSoftmax,
} from './layers';
export type {
  Size, Padding, LayerDesc as Layer, Conv2dOptions, DepthwiseConv2dOptions, Pool2dOptions, BatchNormOptions,
  LrnOptions, DenseOptions, NameOptions,
} from './layers';
export { block, parallel, residual, repeat } from './compose';
export type { LayerList, LayerItem, GroupDesc as Group, ParallelOptions, ResidualOptions } from './compose';
export type { ModelIR as Model } from './ir';
export type * from './training';
