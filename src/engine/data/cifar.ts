// CIFAR-10 and CIFAR-100, binary versions (https://www.cs.toronto.edu/~kriz/cifar.html).
// CIFAR-10: data_batch_1…5.bin and test_batch.bin, each a run of 3073-byte records: one label
// byte, then 32×32 red, 32×32 green and 32×32 blue bytes (planar, row-major), turned here into
// NHWC. CIFAR-100: train.bin and test.bin, 3074-byte records: a coarse label byte, a fine label
// byte (the one used: 100 classes), then the pixels as in CIFAR-10.
// Looked for in DATA/cifar10/ (or DATA/cifar-10-batches-bin/), then CACHE/cifar10/, then
// downloaded there when online (the archive is checked, extracted, then deleted).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { withBytes } from './bytes';
import { CIFAR10_ARCHIVE, CIFAR100_ARCHIVE, extractMembers, fetchPinned, type PinnedFile } from './download/index';
import { DatasetError } from './errors';
import { imageValues, type Dataset, type DatasetPlaces, type Split } from './types';

export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const PLANE = 32 * 32;

/** What differs between the two binary versions. */
interface CifarFormat {
  id: 'cifar10' | 'cifar100';
  title: string;
  /** The folder the archive extracts to (also accepted inside a data folder). */
  archiveFolder: string;
  archive: PinnedFile;
  train: string[];
  test: string;
  filesHint: string;
  /** Label bytes before the pixels, and which of them is the class. */
  labelBytes: number;
  labelAt: number;
  classCount: number;
  namesFile: string;
  defaultNames: string[] | null;
}

const CIFAR10: CifarFormat = {
  id: 'cifar10', title: 'CIFAR-10', archiveFolder: 'cifar-10-batches-bin', archive: CIFAR10_ARCHIVE,
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: 'test_batch.bin', filesHint: 'data_batch_1.bin … data_batch_5.bin and test_batch.bin',
  labelBytes: 1, labelAt: 0, classCount: 10, namesFile: 'batches.meta.txt', defaultNames: CIFAR_CLASSES,
};

const CIFAR100: CifarFormat = {
  id: 'cifar100', title: 'CIFAR-100', archiveFolder: 'cifar-100-binary', archive: CIFAR100_ARCHIVE,
  train: ['train.bin'], test: 'test.bin', filesHint: 'train.bin, test.bin and fine_label_names.txt',
  labelBytes: 2, labelAt: 1, classCount: 100, namesFile: 'fine_label_names.txt', defaultNames: null,
};

/** The folder holding the files: DIR itself or its archive folder (as the archive extracts). */
function findCifarFolder(dir: string, f: CifarFormat): string | undefined {
  for (const candidate of [path.join(dir, f.archiveFolder), dir]) {
    if (fs.existsSync(path.join(candidate, f.train[0]!))) return candidate;
  }
  return undefined;
}

/** Reads up to `limit` records from the files in turn into one NHWC split. */
function readRecords(dir: string, files: string[], limit: number | undefined, f: CifarFormat): Split {
  const RECORD = f.labelBytes + 3 * PLANE;
  // First every file's size (all must be whole records), then one allocation for what is kept:
  // the 50000 training images are 600 MB as floats, so no second copy.
  const plans = files.map((name) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new DatasetError(dir, `${name} is missing (the binary version has ${f.filesHint})`, 'missing');
    const records = withBytes(file, (src) => {
      if (src.size === 0 || src.size % RECORD !== 0) {
        throw new DatasetError(file, `${src.size} bytes is not a whole number of ${RECORD}-byte records (${f.labelBytes} label byte${f.labelBytes > 1 ? 's' : ''} + 32×32×3 pixels)`);
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
      const label = bytes[at + f.labelAt]!;
      if (label >= f.classCount) {
        throw new DatasetError(file, `label ${label} in record ${r} is outside 0…${f.classCount - 1}`);
      }
      labels[have + r] = label;
      const out = (have + r) * 3 * PLANE;
      const px = at + f.labelBytes;
      for (let p = 0; p < PLANE; p++) {
        images[out + 3 * p] = bytes[px + p]! / 255;
        images[out + 3 * p + 1] = bytes[px + PLANE + p]! / 255;
        images[out + 3 * p + 2] = bytes[px + 2 * PLANE + p]! / 255;
      }
    }
    have += take;
  }
  return { images, labels, count: total };
}

/** Class names from the names file when present (one per line), else the standard list. */
function readClassNames(dir: string, f: CifarFormat): string[] {
  const file = path.join(dir, f.namesFile);
  if (!fs.existsSync(file)) {
    if (f.defaultNames) return f.defaultNames;
    throw new DatasetError(dir, `${f.namesFile} is missing (the binary version has ${f.filesHint})`, 'missing');
  }
  const names = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== f.classCount) {
    throw new DatasetError(file, `${names.length} class names, expected ${f.classCount} (one per line)`);
  }
  return names;
}

function loadCifarFolder(dir: string, limits: { train?: number; test?: number }, f: CifarFormat): Dataset {
  const folder = findCifarFolder(dir, f);
  if (!folder) throw new DatasetError(dir, `no ${f.train[0]} here or in ${f.archiveFolder}/ (the binary version has ${f.filesHint})`, 'missing');
  return {
    id: f.id, classNames: readClassNames(folder, f), imageShape: [32, 32, 3], source: folder,
    train: readRecords(folder, f.train, limits.train, f),
    test: readRecords(folder, [f.test], limits.test, f),
  };
}

/** The archive's members a loader reads (the names file included). */
function archiveMembers(f: CifarFormat): string[] {
  const extra = f.id === 'cifar100' ? ['coarse_label_names.txt'] : [];
  return [...f.train, f.test, f.namesFile, ...extra].map((name) => `${f.archiveFolder}/${name}`);
}

/**
 * Downloads the archive into the cache, extracts what the loader reads into CACHE/<id>/, then
 * deletes the archive: the extracted files are the cache (keeping both would double its size),
 * and the folder appears only once complete.
 */
async function downloadCifar(cached: string, where: DatasetPlaces, f: CifarFormat): Promise<void> {
  const archive = await fetchPinned(f.archive, where.cacheDir, where.download);
  await extractMembers(archive, archiveMembers(f), cached);
  fs.rmSync(archive, { force: true });
}

async function loadCifarFormat(where: DatasetPlaces, f: CifarFormat): Promise<Dataset> {
  const cached = path.join(where.cacheDir, f.id);
  const candidates = [
    ...(where.dataDir ? [path.join(where.dataDir, f.id), path.join(where.dataDir, f.archiveFolder)] : []),
    cached,
  ];
  for (const dir of candidates) {
    if (fs.existsSync(dir)) return loadCifarFolder(dir, where.limits, f);
  }
  if (where.online) {
    await downloadCifar(cached, where, f);
    return loadCifarFolder(cached, where.limits, f);
  }
  const url = f.archive.urls[0]!;
  throw new DatasetError(candidates[0]!, `not found, and downloading is off: download ${url}, extract it, put ${f.filesHint} in this folder or its ${f.archiveFolder}/${where.dataDir ? '' : `, or in ${f.id}/ inside a data folder (${where.dataDirOption})`}; or allow downloading (it goes to ${cached})`, 'missing');
}

export function loadCifar(where: DatasetPlaces): Promise<Dataset> {
  return loadCifarFormat(where, CIFAR10);
}

export function loadCifar100(where: DatasetPlaces): Promise<Dataset> {
  return loadCifarFormat(where, CIFAR100);
}
