// IR → tfjs model. Importing this module also registers the custom layers with
// tf.serialization (through build.ts, which loads every layer module), so checkpoints saved
// from these models load again.
export { buildTfModel, buildTfGraph } from './build';
export type { LayerNames } from './names';
export { CnnConv2D } from './layers/conv';
export { CnnPool2D, CnnAdaptiveAvgPool2D } from './layers/pool';
export { CnnLRN } from './layers/misc';
