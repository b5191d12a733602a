// An MNIST-format folder: the four IDX files, each optionally gzipped, as a Dataset.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from './errors';
import { readIdxImages, readIdxLabels } from './idx';
import { splitFromBytes } from './split';
import type { Dataset, Split } from './types';

export const IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

/** The file for an IDX base name: as is, .gz, or the "train-images.idx3-ubyte" spelling some mirrors use. */
function findIdxFile(dir: string, base: string): string | undefined {
  const dotted = base.replace(/-(idx\d-ubyte)$/, '.$1');
  for (const name of [base, `${base}.gz`, dotted, `${dotted}.gz`]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** Whether `dir` holds all four files (so it can be used without an error). */
export function hasIdxFiles(dir: string): boolean {
  return IDX_FILES.every((base) => findIdxFile(dir, base) !== undefined);
}

function requireIdxFile(dir: string, base: string): string {
  const file = findIdxFile(dir, base);
  if (!file) {
    throw new DatasetError(dir, `no ${base} (or ${base}.gz); an MNIST-format folder holds ${IDX_FILES.join(', ')}, each optionally gzipped`, 'missing');
  }
  return file;
}

function readSplit(dir: string, images: string, labels: string, classes: number, limit: number | undefined): Split {
  const imagesFile = requireIdxFile(dir, images);
  const labelsFile = requireIdxFile(dir, labels);
  const img = readIdxImages(imagesFile, { limit, shape: [28, 28] });
  const lab = readIdxLabels(labelsFile, { limit, classes });
  if (img.total !== lab.total) {
    throw new DatasetError(labelsFile, `${lab.total} labels but ${path.basename(imagesFile)} has ${img.total} images`);
  }
  return splitFromBytes(img.pixels, lab.labels, img.count);
}

export function loadIdxFolder(dir: string, id: string, classNames: string[], limits: { train?: number; test?: number }): Dataset {
  return {
    id, classNames, imageShape: [28, 28, 1], source: dir,
    train: readSplit(dir, IDX_FILES[0], IDX_FILES[1], classNames.length, limits.train),
    test: readSplit(dir, IDX_FILES[2], IDX_FILES[3], classNames.length, limits.test),
  };
}
