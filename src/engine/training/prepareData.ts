// What the loop feeds the model, from a loaded dataset: the same pixel permutation on train and
// test, a seeded validation split, normalization statistics. No tfjs here: the torch engine's
// starter prepares its dataset with exactly this (src/engine/torch/preparedDataset.ts).
import { channelStats, deriveSeed, permutePixels, splitValidation, type Dataset, type Split } from '../data/index';
import type { ResolvedTraining, RunRecord } from '../../runs/types';

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

/** What run.json records as the run's dataset. */
export function datasetRecord(ds: Dataset, data: PreparedData): NonNullable<RunRecord['dataset']> {
  return {
    id: ds.id, source: ds.source, classNames: ds.classNames, imageShape: ds.imageShape,
    trainCount: data.train.count, validationCount: data.validation?.count ?? 0, testCount: data.test.count,
    normalization: data.mean && data.std ? { mean: data.mean, std: data.std } : null,
  };
}

/** The `data` status line once the dataset is loaded (with `resized`: how its images were resized to the model's input). */
export function datasetSummary(d: NonNullable<RunRecord['dataset']>, resized: string | null = null): string {
  return `${d.id}: ${d.trainCount} training, ${d.validationCount} validation, ${d.testCount} test images from ${d.source}${resized ? `; ${resized}` : ''}`;
}
