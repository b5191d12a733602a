import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { CIFAR_CLASSES, DatasetError, loadDataset } from '../../../../src/engine/data/index';
import { resizeImage } from '../../../../src/engine/data/resize';

// CIFAR-10 binary batches and image folders, written here by the tests themselves (no registry
// package ships CIFAR-10), intact and broken in each way we detect.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-formats-'));
let folders = 0;
function freshDir(): string {
  const dir = path.join(root, `d${++folders}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
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

// ---- CIFAR-10 ----------------------------------------------------------------------------

/** The byte at (record r of batch b, channel k, position p): distinct enough to catch mix-ups. */
const cifarByte = (b: number, r: number, k: number, p: number) => (b * 31 + r * 17 + k * 85 + p) % 256;

/** `records` records per batch; batch b in 0…4 training, 5 test; labels (b + r) mod 10. */
function cifarBatch(b: number, records: number): Buffer {
  const buf = Buffer.alloc(records * 3073);
  for (let r = 0; r < records; r++) {
    buf[r * 3073] = (b + r) % 10;
    for (let k = 0; k < 3; k++) for (let p = 0; p < 1024; p++) buf[r * 3073 + 1 + k * 1024 + p] = cifarByte(b, r, k, p);
  }
  return buf;
}

function writeCifar(folder: string, records = 3): void {
  fs.mkdirSync(folder, { recursive: true });
  for (let b = 0; b < 5; b++) fs.writeFileSync(path.join(folder, `data_batch_${b + 1}.bin`), cifarBatch(b, records));
  fs.writeFileSync(path.join(folder, 'test_batch.bin'), cifarBatch(5, 2));
}

test('CIFAR-10 binary batches: planar records become NHWC images, in file order, with their labels', async () => {
  const dataDir = freshDir();
  writeCifar(path.join(dataDir, 'cifar10'));
  const ds = await loadDataset('cifar10', { dataDir });
  assert.equal(ds.id, 'cifar10');
  assert.equal(ds.source, path.join(dataDir, 'cifar10'));
  assert.deepEqual(ds.imageShape, [32, 32, 3]);
  assert.deepEqual(ds.classNames, CIFAR_CLASSES);
  assert.equal(ds.train.count, 15);
  assert.equal(ds.test.count, 2);
  assert.deepEqual([...ds.train.labels], [0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6]);
  assert.deepEqual([...ds.test.labels], [5, 6]);
  // Training image 7 is record 1 of batch 2 (b = 2); pixel (y=3, x=5), channel k.
  for (let k = 0; k < 3; k++) {
    assert.equal(ds.train.images[7 * 3072 + (3 * 32 + 5) * 3 + k], Math.fround(cifarByte(2, 1, k, 3 * 32 + 5) / 255));
  }
  assert.equal(ds.test.images[1 * 3072 + 1023 * 3 + 2], Math.fround(cifarByte(5, 1, 2, 1023) / 255));
});

test('CIFAR-10 inside cifar-10-batches-bin/ (as the archive extracts), names from batches.meta.txt, limits', async () => {
  const dataDir = freshDir();
  const folder = path.join(dataDir, 'cifar10', 'cifar-10-batches-bin');
  writeCifar(folder);
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
  fs.writeFileSync(path.join(folder, 'batches.meta.txt'), names.join('\n') + '\n\n');
  const full = await loadDataset('cifar10', { dataDir });
  const ds = await loadDataset('cifar10', { dataDir, limitTrain: 4, limitTest: 1 });
  assert.equal(ds.source, folder);
  assert.deepEqual(ds.classNames, names);
  assert.equal(ds.train.count, 4);
  assert.equal(ds.test.count, 1);
  assert.deepEqual(ds.train.images, full.train.images.slice(0, 4 * 3072));
  assert.deepEqual([...ds.train.labels], [0, 1, 2, 1]);
});

test('every corruption of CIFAR-10 batches is one DatasetError naming the file and the problem', async () => {
  const cases: [string, (folder: string) => void, (folder: string) => string][] = [
    ['a partial record', (f) => fs.writeFileSync(path.join(f, 'data_batch_2.bin'), cifarBatch(1, 3).subarray(0, 3 * 3073 - 100)),
      (f) => `${f}/data_batch_2.bin: 9119 bytes is not a whole number of 3073-byte records (1 label byte + 32×32×3 pixels)`],
    ['an empty batch', (f) => fs.writeFileSync(path.join(f, 'test_batch.bin'), ''),
      (f) => `${f}/test_batch.bin: 0 bytes is not a whole number of 3073-byte records (1 label byte + 32×32×3 pixels)`],
    ['a label out of range', (f) => {
      const b = cifarBatch(0, 3);
      b[2 * 3073] = 10;
      fs.writeFileSync(path.join(f, 'data_batch_1.bin'), b);
    }, (f) => `${f}/data_batch_1.bin: label 10 in record 2 is outside 0…9`],
    ['a missing batch', (f) => fs.rmSync(path.join(f, 'data_batch_3.bin')),
      (f) => `${f}: data_batch_3.bin is missing (the binary version has data_batch_1.bin … data_batch_5.bin and test_batch.bin)`],
    ['a missing test batch', (f) => fs.rmSync(path.join(f, 'test_batch.bin')),
      (f) => `${f}: test_batch.bin is missing (the binary version has data_batch_1.bin … data_batch_5.bin and test_batch.bin)`],
    ['a short class list', (f) => fs.writeFileSync(path.join(f, 'batches.meta.txt'), 'a\nb\nc\n'),
      (f) => `${f}/batches.meta.txt: 3 class names, expected 10 (one per line)`],
    ['no batches at all', (f) => fs.rmSync(path.join(f, 'data_batch_1.bin')),
      (f) => `${f}: no data_batch_1.bin here or in cifar-10-batches-bin/ (the binary version has data_batch_1.bin … data_batch_5.bin and test_batch.bin)`],
  ];
  for (const [what, breakIt, expected] of cases) {
    const dataDir = freshDir();
    const folder = path.join(dataDir, 'cifar10');
    writeCifar(folder);
    breakIt(folder);
    assert.equal(await loadError(() => loadDataset('cifar10', { dataDir })), expected(folder), what);
  }
});

test('CIFAR-10 that is nowhere says where to get it and where to put it', async () => {
  const dataDir = freshDir();
  const cacheDir = freshDir();
  assert.equal(await loadError(() => loadDataset('cifar10', { dataDir, cacheDir })),
    `${path.join(dataDir, 'cifar10')}: not found, and downloading is off: download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, extract it, put data_batch_1.bin … data_batch_5.bin and test_batch.bin in this folder or its cifar-10-batches-bin/; or allow downloading (it goes to ${path.join(cacheDir, 'cifar10')})`);
});

test('nowhere to be found is a missing dataset; a folder that is there but wrong is a corrupt one', async () => {
  const kind = async (load: () => Promise<unknown>) => {
    try {
      await load();
    } catch (err) {
      assert.ok(err instanceof DatasetError);
      return err.kind;
    }
    assert.fail('expected the dataset not to load');
  };
  assert.equal(await kind(() => loadDataset('cifar10', { dataDir: freshDir(), cacheDir: freshDir() })), 'missing');
  const dataDir = freshDir();
  fs.mkdirSync(path.join(dataDir, 'cifar10'));
  assert.equal(await kind(() => loadDataset('cifar10', { dataDir })), 'missing', 'a folder without the batches');
  fs.writeFileSync(path.join(dataDir, 'cifar10', 'data_batch_1.bin'), Buffer.alloc(5));
  assert.equal(await kind(() => loadDataset('cifar10', { dataDir })), 'corrupt', 'a batch that is not whole records');
  const base = freshDir();
  assert.equal(await kind(() => loadDataset({ folder: 'nope', imageSize: [8, 8] }, { baseDir: base })), 'missing');
});

test('CIFAR-10 with no data folder set says how to set one, the way the run was started', async () => {
  const cacheDir = freshDir();
  const message = (dataDirOption?: string) => loadError(() => loadDataset('cifar10', { cacheDir, dataDirOption }));
  assert.match(await message(), /in this folder or its cifar-10-batches-bin\/, or in cifar10\/ inside a data folder \(--data-dir DIR\); or allow downloading/);
  assert.match(await message('the setting cnnExplorer.dataDir'), /inside a data folder \(the setting cnnExplorer\.dataDir\); or allow downloading/);
  assert.ok((await message()).startsWith(`${path.join(cacheDir, 'cifar10')}: not found`));
});

// ---- image folders -------------------------------------------------------------------------

type Rgb = [number, number, number];

function writePng(file: string, w: number, h: number, color: (x: number, y: number) => Rgb): void {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = color(x, y);
      png.data.set([r, g, b, 255], (y * w + x) * 4);
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(png));
}

function writeJpeg(file: string, w: number, h: number, rgb: Rgb): void {
  const data = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([...rgb, 255], p * 4);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, jpeg.encode({ width: w, height: h, data }, 95).data);
}

const RED: Rgb = [200, 40, 10];
const BLUE: Rgb = [20, 60, 220];

/** root/cat: 5 red PNGs of assorted sizes; root/dog: 5 blue JPEGs; plus things to ignore. */
function writeFolder(): string {
  const dir = freshDir();
  for (let i = 0; i < 5; i++) writePng(path.join(dir, 'pets', 'cat', `c${i}.png`), 10 + i, 7 + 2 * i, () => RED);
  for (let i = 0; i < 5; i++) writeJpeg(path.join(dir, 'pets', 'dog', `d${i}.JPG`), 16, 16, BLUE);
  fs.writeFileSync(path.join(dir, 'pets', 'cat', 'notes.txt'), 'not an image');
  fs.mkdirSync(path.join(dir, 'pets', '.thumbnails'));
  return dir;
}

const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

test('an image folder: sorted class names, resized PNGs and JPEGs, a per-class test split', async () => {
  const base = writeFolder();
  const ds = await loadDataset({ folder: 'pets', imageSize: [8, 6], testSplit: 0.4 }, { baseDir: base });
  assert.equal(ds.id, 'folder:pets');
  assert.equal(ds.source, path.join(base, 'pets'));
  assert.deepEqual(ds.classNames, ['cat', 'dog']);
  assert.deepEqual(ds.imageShape, [8, 6, 3]);
  assert.equal(ds.train.count, 6);
  assert.equal(ds.test.count, 4);
  assert.deepEqual([...ds.test.labels].sort(), [0, 0, 1, 1]);
  assert.equal(ds.train.images.length, 6 * 8 * 6 * 3);
  for (const split of [ds.train, ds.test]) {
    for (let n = 0; n < split.count; n++) {
      const [r, g, b] = split.labels[n] === 0 ? RED : BLUE;
      const tol = split.labels[n] === 0 ? 1e-6 : 3 / 255; // PNG is exact, JPEG nearly
      for (let p = 0; p < 48; p++) {
        const at = (n * 48 + p) * 3;
        assert.ok(near(split.images[at]!, r / 255, tol) && near(split.images[at + 1]!, g / 255, tol) && near(split.images[at + 2]!, b / 255, tol),
          `image ${n} pixel ${p}`);
      }
    }
  }
  // The same split and order on every load.
  const again = await loadDataset({ folder: path.join(base, 'pets'), imageSize: [8, 6], testSplit: 0.4 });
  assert.deepEqual(again.train.images, ds.train.images);
  assert.deepEqual(again.test.labels, ds.test.labels);
});

test('an image folder in one channel (luma), the default 20% test split, and limits', async () => {
  const base = writeFolder();
  const ds = await loadDataset({ folder: 'pets', imageSize: [4, 4], channels: 1 }, { baseDir: base, limitTrain: 3 });
  assert.deepEqual(ds.imageShape, [4, 4, 1]);
  assert.equal(ds.train.count, 3);
  assert.equal(ds.test.count, 2); // one of each class's five
  const cat = ds.test.labels[0] === 0 ? 0 : 1;
  assert.ok(near(ds.test.images[cat * 16 + 5]!, (0.299 * RED[0] + 0.587 * RED[1] + 0.114 * RED[2]) / 255, 1e-6));
});

test('a striped PNG is resized by area (bilinear, antialiased), not by skipping pixels', async () => {
  const base = freshDir();
  // One white column in four: the area average is 0.25 (a little off at the borders, where the
  // filter is cut); sampling only the pixels nearest each output centre would see black only.
  for (const cls of ['a', 'b']) writePng(path.join(base, 'stripes', cls, '0.png'), 16, 16, (x) => (x % 4 === 0 ? [255, 255, 255] : [0, 0, 0]));
  const ds = await loadDataset({ folder: 'stripes', imageSize: [4, 4], testSplit: 0 }, { baseDir: base });
  for (const v of ds.train.images) assert.ok(near(v, 0.25, 0.08), `value ${v}`);
});

test('resize: identity at the same size, constants stay constant, bilinear with half-pixel centres', () => {
  const src = Float32Array.from({ length: 3 * 5 * 2 }, (_, i) => (i * 37) % 11 / 10);
  assert.deepEqual(resizeImage(src, 3, 5, 2, 3, 5), src);
  const flat = new Float32Array(7 * 9).fill(0.3);
  for (const v of resizeImage(flat, 7, 9, 1, 4, 13)) assert.ok(near(v, 0.3, 1e-6));
  assert.deepEqual([...resizeImage(Float32Array.from([0, 1]), 1, 2, 1, 1, 4)], [0, 0.25, 0.75, 1]);
});

test('every problem with an image folder is one DatasetError naming the folder or file', async () => {
  const base = writeFolder();
  const pets = path.join(base, 'pets');
  const load = (spec: object) => loadError(() => loadDataset({ folder: 'pets', imageSize: [8, 8], ...spec } as never, { baseDir: base }));
  assert.equal(await load({ folder: 'cats' }), `${path.join(base, 'cats')}: not found`);
  assert.equal(await load({ imageSize: [8, 0] }), `${pets}: imageSize must be [height, width], two positive integers; got [8,0]`);
  assert.equal(await load({ channels: 4 }), `${pets}: channels must be 1 or 3; got 4`);
  assert.equal(await load({ testSplit: 1 }), `${pets}: testSplit must be a fraction in [0, 1); got 1`);
  fs.writeFileSync(path.join(base, 'file.png'), 'x');
  assert.equal(await load({ folder: 'file.png' }), `${path.join(base, 'file.png')}: not a folder`);

  fs.writeFileSync(path.join(pets, 'cat', 'broken.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(20)]));
  assert.match(await load({ testSplit: 0 }), new RegExp(`^${escape(path.join(pets, 'cat', 'broken.png'))}: not a readable PNG image \\(.+\\)$`));
  fs.rmSync(path.join(pets, 'cat', 'broken.png'));
  fs.writeFileSync(path.join(pets, 'cat', 'text.jpg'), 'hello');
  assert.equal(await load({ testSplit: 0 }), `${path.join(pets, 'cat', 'text.jpg')}: neither a PNG nor a JPEG image (unknown signature)`);
  fs.rmSync(path.join(pets, 'cat', 'text.jpg'));
  fs.writeFileSync(path.join(pets, 'dog', 'cut.jpg'), fs.readFileSync(path.join(pets, 'dog', 'd0.JPG')).subarray(0, 200));
  assert.match(await load({ testSplit: 0 }), new RegExp(`^${escape(path.join(pets, 'dog', 'cut.jpg'))}: not a readable JPEG image \\(.+\\)$`));
  fs.rmSync(path.join(pets, 'dog', 'cut.jpg'));

  fs.mkdirSync(path.join(pets, 'empty'));
  assert.equal(await load({}), `${path.join(pets, 'empty')}: no PNG or JPEG images (.png, .jpg, .jpeg)`);
  fs.rmSync(path.join(pets, 'empty'), { recursive: true });
  fs.rmSync(path.join(pets, 'dog'), { recursive: true });
  assert.equal(await load({}), `${pets}: 1 class sub-folder, need at least 2 (one sub-folder of images per class)`);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
