// From a loaded dataset to what the loop feeds the model: the same pixel permutation on train
// and test, a seeded validation split, normalization statistics, and batches as tensors.
import * as tf from '@tensorflow/tfjs-core';
import { channelStats, deriveSeed, permutePixels, splitValidation, type Dataset, type Split } from '../data/index';
import type { ResolvedTraining } from '../../runs/types';

export interface PreparedData {
  classNames: string[];
  imageShape: [number, number, number];
  train: Split;
  validation: Split | null;
  test: Split;
  /** Per-channel normalization, or null to feed [0, 1] values. */
  mean: number[] | null;
  std: number[] | null;
}

export function prepareData(ds: Dataset, config: ResolvedTraining): PreparedData {
  let train = ds.train;
  let test = ds.test;
  if (config.permutePixels !== null) {
    // One permutation from one seed, applied to both: the task changes, not its difficulty per image.
    train = permutePixels(train, ds.imageShape, config.permutePixels);
    test = permutePixels(test, ds.imageShape, config.permutePixels);
  }
  let validation: Split | null = null;
  if (config.validationSplit > 0) {
    const parts = splitValidation(train, config.validationSplit, deriveSeed(config.seed, 'validation'));
    train = parts.train;
    validation = parts.validation;
  }
  let mean: number[] | null = null;
  let std: number[] | null = null;
  if (config.normalize === 'dataset') {
    // Statistics of the images trained on (after the validation split: nothing leaks).
    ({ mean, std } = channelStats(train, ds.imageShape));
    std = std.map((s) => (s > 0 ? s : 1));
  } else if (config.normalize) {
    ({ mean, std } = config.normalize);
  }
  return { classNames: ds.classNames, imageShape: ds.imageShape, train, validation, test, mean, std };
}

/**
 * A batch of images (augmented already, for training) as the model's input tensor: normalized
 * and shaped as the model's input ([n, h, w, c], or [n, features] for a flat input).
 */
export function batchTensor(images: Float32Array, count: number, data: PreparedData, inputShape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.tensor(images, [count, ...data.imageShape], 'float32');
    // (x − mean) / std per channel, on the backend: two element-wise kernels there take much
    // less time than a JS loop over the batch, which is on the training step's critical path
    // (bench/README.md), and on a GPU backend they run on the GPU.
    const normalized = data.mean && data.std ? tf.div(tf.sub(x, tf.tensor1d(data.mean)), tf.tensor1d(data.std)) : x;
    return tf.reshape(normalized, [count, ...inputShape]);
  });
}
