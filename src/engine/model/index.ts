// IR → tfjs model. Importing this module also registers the custom layers with
// tf.serialization, so checkpoints saved from these models load again.
export { buildTfModel, buildTfGraph, type BuildOptions, type BuiltGraph } from './build';
export { tfLayerNames, type LayerNames } from './names';
export { CnnConv2D, CnnDepthwiseConv2D } from './layers/conv';
export { CnnPool2D, CnnAdaptiveAvgPool2D } from './layers/pool';
export { CnnDense, CnnActivation, CnnLRN, CnnDropout } from './layers/misc';
export type { InitMode } from './layers/common';
