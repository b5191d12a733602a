// A folder of images with one sub-folder per class (as torchvision's ImageFolder): class names
// are the sorted sub-folder names; each class's images are split into training and test by a
// fixed shuffle (the same on every run and machine, so runs are compared on one test set).
// Only the images kept after --limit-train/--limit-test are decoded.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeImage, rgbaToFloats } from './decode';
import { DatasetError } from './errors';
import { permutation } from './permute';
import { deriveSeed } from './random';
import { resizeImage } from './resize';
import { imageValues, type Dataset, type FolderSpec, type Split } from './types';

const IMAGE_FILE = /\.(png|jpe?g)$/i;
const DEFAULT_TEST_SPLIT = 0.2;

interface Item {
  file: string;
  label: number;
}

function checkSpec(root: string, spec: FolderSpec): void {
  const [h, w] = spec.imageSize ?? [];
  const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!Array.isArray(spec.imageSize) || spec.imageSize.length !== 2 || !positiveInt(h) || !positiveInt(w)) {
    throw new DatasetError(root, `imageSize must be [height, width], two positive integers; got ${JSON.stringify(spec.imageSize)}`);
  }
  if (spec.channels !== undefined && spec.channels !== 1 && spec.channels !== 3) {
    throw new DatasetError(root, `channels must be 1 or 3; got ${JSON.stringify(spec.channels)}`);
  }
  const t = spec.testSplit;
  if (t !== undefined && !(typeof t === 'number' && t >= 0 && t < 1)) {
    throw new DatasetError(root, `testSplit must be a fraction in [0, 1); got ${JSON.stringify(t)}`);
  }
}

function listDir(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
}

/** How many of a class's n images go to the test split: at least one of each side when n ≥ 2. */
function testCount(n: number, fraction: number): number {
  if (fraction <= 0 || n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

export function loadImageFolder(spec: FolderSpec, opts: { baseDir?: string; limits: { train?: number; test?: number } }): Dataset {
  const root = path.resolve(opts.baseDir ?? process.cwd(), spec.folder);
  checkSpec(root, spec);
  if (!fs.existsSync(root)) throw new DatasetError(root, 'not found', 'missing');
  if (!fs.statSync(root).isDirectory()) throw new DatasetError(root, 'not a folder', 'missing');
  const classNames = listDir(root).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (classNames.length < 2) {
    throw new DatasetError(root, `${classNames.length} class sub-folder${classNames.length === 1 ? '' : 's'}, need at least 2 (one sub-folder of images per class)`);
  }
  const fraction = spec.testSplit ?? DEFAULT_TEST_SPLIT;
  const train: Item[] = [];
  const test: Item[] = [];
  classNames.forEach((name, label) => {
    const dir = path.join(root, name);
    const files = listDir(dir).filter((e) => e.isFile() && IMAGE_FILE.test(e.name)).map((e) => e.name).sort();
    if (files.length === 0) throw new DatasetError(dir, 'no PNG or JPEG images (.png, .jpg, .jpeg)');
    const order = permutation(files.length, deriveSeed(0, 'folder-split', name));
    const nTest = testCount(files.length, fraction);
    order.forEach((i, k) => (k < nTest ? test : train).push({ file: path.join(dir, files[i]!), label }));
  });
  const [h, w] = spec.imageSize;
  const channels = spec.channels ?? 3;
  const build = (items: Item[], part: string, limit: number | undefined): Split => {
    // A fixed shuffle, so that classes are mixed and a prefix (--limit-…) is a fair sample.
    const order = permutation(items.length, deriveSeed(0, 'folder-order', part));
    const count = Math.min(items.length, limit ?? items.length);
    const size = h * w * channels;
    const images = imageValues(count * size);
    const labels = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const item = items[order[k]!]!;
      const img = decodeImage(item.file);
      images.set(resizeImage(rgbaToFloats(img, channels), img.height, img.width, channels, h, w), k * size);
      labels[k] = item.label;
    }
    return { images, labels, count };
  };
  return {
    id: `folder:${spec.folder}`, classNames, imageShape: [h, w, channels], source: root,
    train: build(train, 'train', opts.limits.train),
    test: build(test, 'test', opts.limits.test),
  };
}
