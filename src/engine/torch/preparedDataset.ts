// The prepared dataset the torch engine trains on (docs/torch-engine.md): the dataset loaded by
// the tfjs engine's own loaders, with the same limits, pixel permutation, validation split and
// normalization statistics (training/prepareData.ts), written as one safetensors file of U8
// images and I64 labels, where preparedDatasetPath.ts says. A second run of the same request (a
// sweep over learning rates) reads it instead of decoding the dataset again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset, type Split } from '../data/index';
import { resizeToInput } from '../data/resize';
import { datasetRecord, datasetSummary, prepareData } from '../training/prepareData';
import type { RunRecord } from '../../runs/types';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../weights/safetensors';
import type { RunSpec } from '../trainer/spec';
import { PREPARED_DATASET_FORMAT } from './preparedDatasetPath';

type DatasetInfo = NonNullable<RunRecord['dataset']>;

/** What a run's prepared dataset holds, as the trainer reports it. */
export interface PreparedDatasetInfo {
  file: string;
  dataset: DatasetInfo;
  description: string;
  /** False when an earlier run's file was reused. */
  written: boolean;
}

/** [0, 1] floats back to the bytes they were decoded from (they are byte / 255). */
function toBytes(images: Float32Array): Uint8Array {
  const out = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = Math.round(images[i]! * 255);
  return out;
}

function splitTensors(name: string, split: Split, imageShape: readonly number[], into: Map<string, TensorToWrite>): void {
  into.set(`${name}.images`, { shape: [split.count, ...imageShape], data: toBytes(split.images) });
  into.set(`${name}.labels`, { shape: [split.count], data: BigInt64Array.from(split.labels, (l) => BigInt(l)) });
}

/** The metadata of a prepared file that reads as one of ours; null otherwise (then it is prepared again). */
function readInfo(file: string): { dataset: DatasetInfo; description: string } | null {
  try {
    const { metadata } = readSafetensors(file);
    if (metadata.format !== PREPARED_DATASET_FORMAT || !metadata.dataset) return null;
    return { dataset: JSON.parse(metadata.dataset) as DatasetInfo, description: metadata.description ?? '' };
  } catch {
    return null;
  }
}

/**
 * The run's prepared dataset: an earlier run's file when there is a whole one, else the dataset
 * loaded and prepared as the tfjs trainer does, and written atomically (two runs preparing the
 * same request at once each write a whole file; the last rename wins). Loading errors are the
 * loaders' DatasetErrors, as on tfjs.
 */
export async function ensurePreparedDataset(spec: RunSpec, file: string): Promise<PreparedDatasetInfo> {
  const known = fs.existsSync(file) ? readInfo(file) : null;
  if (known) return { file, ...known, written: false };
  // Images of another size than the model's input are resized to it, as the tfjs trainer does.
  const { dataset: loaded, resized } = resizeToInput(await loadDataset(spec.config.dataset, { ...spec.data }), spec.model?.ir.inputShape ?? []);
  const data = prepareData(loaded, spec.config);
  const dataset = datasetRecord(loaded, data);
  const description = datasetSummary(dataset, resized);
  const tensors = new Map<string, TensorToWrite>();
  splitTensors('train', data.train, data.imageShape, tensors);
  if (data.validation) splitTensors('val', data.validation, data.imageShape, tensors);
  splitTensors('test', data.test, data.imageShape, tensors);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeSafetensors(file, tensors, {
    format: PREPARED_DATASET_FORMAT,
    classes: JSON.stringify(dataset.classNames),
    normalize: JSON.stringify(dataset.normalization),
    description,
    dataset: JSON.stringify(dataset),
  });
  return { file, dataset, description, written: true };
}
