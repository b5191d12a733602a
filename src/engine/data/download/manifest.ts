// The built-in pins: every file CNN Explorer downloads for a dataset, where its publisher puts it
// (then mirrors), and its published size and SHA-256. CNN_EXPLORER_DOWNLOADS names a JSON file
// whose entries replace pins by file name (tests, private mirrors); see docs/downloads.md.
import * as fs from 'node:fs';
import { DatasetError } from '../errors';
import type { PinnedFile } from './types';

const DOWNLOADS_MANIFEST_ENV = 'CNN_EXPLORER_DOWNLOADS';

const MNIST_MIRRORS = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'];
// The zalandoresearch/fashion-mnist repository's copies (HTTPS), then the publisher's S3 website (HTTP only).
const FASHION_MIRRORS = [
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
];

function mirrored(bases: string[], name: string, bytes: number, sha256: string): PinnedFile {
  return { name, urls: bases.map((b) => b + name), bytes, sha256 };
}

export const MNIST_FILES: PinnedFile[] = [
  mirrored(MNIST_MIRRORS, 'train-images-idx3-ubyte.gz', 9912422, '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609'),
  mirrored(MNIST_MIRRORS, 'train-labels-idx1-ubyte.gz', 28881, '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c'),
  mirrored(MNIST_MIRRORS, 't10k-images-idx3-ubyte.gz', 1648877, '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6'),
  mirrored(MNIST_MIRRORS, 't10k-labels-idx1-ubyte.gz', 4542, 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6'),
];

// Fashion-MNIST's files have the same names as MNIST's; they live in another cache folder, and
// an override manifest tells them apart by the folder-qualified name 'fashion-mnist/<name>'.
export const FASHION_FILES: PinnedFile[] = [
  mirrored(FASHION_MIRRORS, 'train-images-idx3-ubyte.gz', 26421880, '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84'),
  mirrored(FASHION_MIRRORS, 'train-labels-idx1-ubyte.gz', 29515, 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845'),
  mirrored(FASHION_MIRRORS, 't10k-images-idx3-ubyte.gz', 4422102, '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073'),
  mirrored(FASHION_MIRRORS, 't10k-labels-idx1-ubyte.gz', 5148, '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5'),
];

export const CIFAR10_ARCHIVE: PinnedFile = {
  name: 'cifar-10-binary.tar.gz', urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
  bytes: 170052171, sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
};

export const CIFAR100_ARCHIVE: PinnedFile = {
  name: 'cifar-100-binary.tar.gz', urls: ['https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'],
  bytes: 168513733, sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
};

type Override = Omit<PinnedFile, 'name'>;

function checkOverride(manifest: string, key: string, value: unknown): Override {
  const v = value as Partial<Override> | null;
  const ok = typeof v === 'object' && v !== null
    && Array.isArray(v.urls) && v.urls.length > 0 && v.urls.every((u) => typeof u === 'string')
    && (v.bytes === null || (Number.isInteger(v.bytes) && v.bytes! >= 0))
    && typeof v.sha256 === 'string' && /^[0-9a-f]{8,64}$/.test(v.sha256);
  if (!ok) {
    throw new DatasetError(manifest, `files["${key}"] must be { "urls": [at least one URL], "bytes": a size or null, "sha256": hex } (${DOWNLOADS_MANIFEST_ENV})`);
  }
  return { urls: v.urls!, bytes: v.bytes!, sha256: v.sha256! };
}

/** The override manifest's entries by file name, read each time (an empty map when the variable is unset). */
function overrides(): Map<string, Override> {
  const manifest = process.env[DOWNLOADS_MANIFEST_ENV];
  if (!manifest) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  } catch (err) {
    throw new DatasetError(manifest, `cannot be read as the downloads manifest ${DOWNLOADS_MANIFEST_ENV} names (${(err as Error).message})`);
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new DatasetError(manifest, `expected { "files": { "<name>": { "urls", "bytes", "sha256" } } } (${DOWNLOADS_MANIFEST_ENV})`);
  }
  return new Map(Object.entries(files).map(([key, value]) => [key, checkOverride(manifest, key, value)]));
}

/**
 * The pin in effect for `file`: the manifest's entry for `qualifiedName` (when given) or for the
 * file's name, else the built-in pin.
 */
export function effectivePin(file: PinnedFile, qualifiedName?: string): PinnedFile {
  const table = overrides();
  const entry = (qualifiedName !== undefined ? table.get(qualifiedName) : undefined) ?? table.get(file.name);
  return entry ? { name: file.name, ...entry } : file;
}
