// The datasets layer of the training engine: loading (MNIST, Fashion-MNIST, CIFAR-10/100, image
// folders, synthetic) into float [0, 1] NHWC splits, and the pure, seeded helpers the training
// loop applies to them (validation split, pixel permutation, normalization statistics, augmentation,
// batching). Nothing here imports tfjs or VS Code.

import * as path from 'node:path';
import { defaultCacheDir } from './cacheDir';
import { loadCifar, loadCifar100 } from './cifar';
import { DatasetError } from './errors';
import { loadImageFolder } from './folder';
import { loadFashionMnist, loadMnist } from './mnist';
import { takeFirst } from './split';
import { loadSynthetic } from './synthetic';
import type { Dataset, DatasetSpec, LoadDatasetOptions } from './types';

export type { Dataset, DatasetSpec, LoadDatasetOptions, Split } from './types';
export { DatasetError } from './errors';
export { Rng, deriveSeed } from './random';
export { splitValidation } from './split';
export { permutation, pixelPermutation, permutePixels } from './permute';
export { channelStats } from './normalize';
export { augmentBatch, flipHorizontal, isAugmenting, type AugmentSpec } from './augment';
export { batches, batchCount, type Batch } from './batches';
export { MNIST_CLASSES, FASHION_CLASSES } from './mnist';
export { CIFAR_CLASSES } from './cifar';

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

/** Loads a dataset as the `training.dataset` value names it. Errors are DatasetErrors naming the file. */
export async function loadDataset(spec: DatasetSpec, opts: LoadDatasetOptions = {}): Promise<Dataset> {
  checkLimit('limitTrain', opts.limitTrain);
  checkLimit('limitTest', opts.limitTest);
  const limits = { train: opts.limitTrain, test: opts.limitTest };
  const where = {
    dataDir: opts.dataDir && path.resolve(opts.dataDir),
    cacheDir: path.resolve(opts.cacheDir ?? defaultCacheDir()),
    online: opts.online ?? false,
    download: { signal: opts.signal, onProgress: opts.onDownload, proxy: opts.proxy },
    limits,
    dataDirOption: opts.dataDirOption ?? '--data-dir DIR',
  };
  let ds: Dataset;
  if (spec === 'mnist') ds = await loadMnist(where);
  else if (spec === 'fashion-mnist') ds = await loadFashionMnist(where);
  else if (spec === 'cifar10') ds = await loadCifar(where);
  else if (spec === 'cifar100') ds = await loadCifar100(where);
  else if (spec === 'synthetic') ds = loadSynthetic(limits);
  else if (typeof spec === 'object' && spec !== null && typeof spec.folder === 'string') {
    ds = loadImageFolder(spec, { baseDir: opts.baseDir, limits });
  } else {
    throw new DatasetError(String(JSON.stringify(spec)), "unknown dataset: expected 'mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'synthetic' or { folder, imageSize }");
  }
  // Every loader honours the limits itself (reading less); this is a guarantee, not the work.
  return { ...ds, train: takeFirst(ds.train, limits.train), test: takeFirst(ds.test, limits.test) };
}
