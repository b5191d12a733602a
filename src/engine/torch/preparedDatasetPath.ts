// Where a run's prepared dataset lives (preparedDataset.ts writes it): the cache folder, under a
// name that hashes everything that determines its content. Apart from the loaders, so that the
// starter can name the file in spec.json without loading any.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir } from '../data/cacheDir';
import type { RunSpec } from '../trainer/spec';

export const PREPARED_DATASET_FORMAT = 'cnn-explorer.dataset/1';

/**
 * Each file under `dir` as `path size mtime`, sorted: an image folder, or the folder a built-in
 * dataset is read from, that changes gets a new prepared file. Empty when `dir` does not exist.
 */
function folderFingerprint(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else {
        try {
          const st = fs.statSync(full);
          out.push(`${path.relative(dir, full)} ${st.size} ${st.mtimeMs}`);
        } catch { /* gone meanwhile: the loader will say so */ }
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Where the loaders read `spec`'s dataset from, when that is a folder that could change. */
function sourceFolders(spec: Pick<RunSpec, 'config' | 'data'>, cacheDir: string): string[] {
  const ds = spec.config.dataset;
  if (typeof ds === 'object') return [path.resolve(spec.data.baseDir, ds.folder)];
  if (ds === 'synthetic') return [];
  const dataDir = spec.data.dataDir && path.resolve(spec.data.dataDir);
  return [
    ...(dataDir ? [path.join(dataDir, ds), ...(ds === 'cifar10' ? [path.join(dataDir, 'cifar-10-batches-bin')] : ds === 'cifar100' ? [path.join(dataDir, 'cifar-100-binary')] : [])] : []),
    path.join(cacheDir, ds),
  ];
}

/**
 * The prepared dataset's file for a run: `<cache>/prepared/<hash>.safetensors`. `inputShape`:
 * the model's input, which images of another size are resized to (data/resize.ts).
 */
export function preparedDatasetPath(spec: Pick<RunSpec, 'config' | 'data'> & { inputShape?: readonly number[] }): string {
  const inputShape = spec.inputShape;
  const cacheDir = path.resolve(spec.data.cacheDir ?? defaultCacheDir());
  const c = spec.config;
  const ds = typeof c.dataset === 'object' ? { ...c.dataset, folder: path.resolve(spec.data.baseDir, c.dataset.folder) } : c.dataset;
  const key = {
    format: PREPARED_DATASET_FORMAT,
    dataset: ds,
    dataDir: spec.data.dataDir ? path.resolve(spec.data.dataDir) : null,
    limitTrain: spec.data.limitTrain ?? null,
    limitTest: spec.data.limitTest ?? null,
    validationSplit: c.validationSplit,
    // The seed only draws the validation split here (augmentation and shuffling are the trainer's).
    splitSeed: c.validationSplit > 0 ? c.seed : null,
    permutePixels: c.permutePixels,
    normalize: c.normalize,
    sources: sourceFolders(spec, cacheDir).map((dir) => [dir, folderFingerprint(dir)]),
    // The images' size when they are resized to the model's (absent: as loaded, for a flat input).
    ...(inputShape && inputShape.length === 3 ? { imageSize: inputShape.slice(0, 2) } : {}),
  };
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
  return path.join(cacheDir, 'prepared', `${hash}.safetensors`);
}
