// CIFAR-10, binary version (https://www.cs.toronto.edu/~kriz/cifar.html): data_batch_1…5.bin
// and test_batch.bin, each a run of 3073-byte records: one label byte, then 32×32 red, 32×32
// green and 32×32 blue bytes (planar, row-major), turned here into NHWC.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { withBytes } from './bytes';
import { DatasetError } from './errors';
import { imageValues, type Dataset, type DatasetPlaces, type Split } from './types';

export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const PLANE = 32 * 32;
const RECORD = 1 + 3 * PLANE;
const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const TEST_FILE = 'test_batch.bin';
const FILES_HINT = 'data_batch_1.bin … data_batch_5.bin and test_batch.bin';

/** The folder holding the batches: DIR itself or its cifar-10-batches-bin/ (as the archive extracts). */
function findCifarFolder(dir: string): string | undefined {
  for (const candidate of [path.join(dir, 'cifar-10-batches-bin'), dir]) {
    if (fs.existsSync(path.join(candidate, TRAIN_FILES[0]!))) return candidate;
  }
  return undefined;
}

/** Reads up to `limit` records from the files in turn into one NHWC split. */
function readRecords(dir: string, files: string[], limit: number | undefined): Split {
  // First every file's size (all must be whole records), then one allocation for what is kept:
  // the 50000 training images are 600 MB as floats, so no second copy.
  const plans = files.map((name) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new DatasetError(dir, `${name} is missing (the binary version has ${FILES_HINT})`, 'missing');
    const records = withBytes(file, (src) => {
      if (src.size === 0 || src.size % RECORD !== 0) {
        throw new DatasetError(file, `${src.size} bytes is not a whole number of ${RECORD}-byte records (1 label byte + 32×32×3 pixels)`);
      }
      return src.size / RECORD;
    });
    return { file, records };
  });
  const total = Math.min(plans.reduce((n, p) => n + p.records, 0), limit ?? Infinity);
  const images = imageValues(total * 3 * PLANE);
  const labels = new Int32Array(total);
  let have = 0;
  for (const { file, records } of plans) {
    const take = Math.min(records, total - have);
    if (take === 0) break;
    const bytes = withBytes(file, (src) => src.read(0, take * RECORD));
    for (let r = 0; r < take; r++) {
      const at = r * RECORD;
      const label = bytes[at]!;
      if (label >= CIFAR_CLASSES.length) {
        throw new DatasetError(file, `label ${label} in record ${r} is outside 0…${CIFAR_CLASSES.length - 1}`);
      }
      labels[have + r] = label;
      const out = (have + r) * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        images[out + 3 * p] = bytes[at + 1 + p]! / 255;
        images[out + 3 * p + 1] = bytes[at + 1 + PLANE + p]! / 255;
        images[out + 3 * p + 2] = bytes[at + 1 + 2 * PLANE + p]! / 255;
      }
    }
    have += take;
  }
  return { images, labels, count: total };
}

/** Class names from batches.meta.txt when present (one per line), else the standard list. */
function readClassNames(dir: string): string[] {
  const file = path.join(dir, 'batches.meta.txt');
  if (!fs.existsSync(file)) return CIFAR_CLASSES;
  const names = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== CIFAR_CLASSES.length) {
    throw new DatasetError(file, `${names.length} class names, expected ${CIFAR_CLASSES.length} (one per line)`);
  }
  return names;
}

function loadCifarFolder(dir: string, limits: { train?: number; test?: number }): Dataset {
  const folder = findCifarFolder(dir);
  if (!folder) throw new DatasetError(dir, `no ${TRAIN_FILES[0]} here or in cifar-10-batches-bin/ (the binary version has ${FILES_HINT})`, 'missing');
  return {
    id: 'cifar10', classNames: readClassNames(folder), imageShape: [32, 32, 3], source: folder,
    train: readRecords(folder, TRAIN_FILES, limits.train),
    test: readRecords(folder, [TEST_FILE], limits.test),
  };
}

export function loadCifar(where: DatasetPlaces): Dataset {
  const candidates = [
    ...(where.dataDir ? [path.join(where.dataDir, 'cifar10'), path.join(where.dataDir, 'cifar-10-batches-bin')] : []),
    path.join(where.cacheDir, 'cifar10'),
  ];
  for (const dir of candidates) {
    if (fs.existsSync(dir)) return loadCifarFolder(dir, where.limits);
  }
  throw new DatasetError(candidates[0]!, `not found: CIFAR-10 does not ship with CNN Explorer; download the binary version (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz), extract it, put ${FILES_HINT} in this folder or its cifar-10-batches-bin/${where.dataDir ? '' : `, or in cifar10/ inside a data folder (${where.dataDirOption})`}`, 'missing');
}
