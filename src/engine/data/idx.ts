// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian
// header (magic 0x0000 08 <dims>, then one uint32 per dimension) followed by unsigned bytes.
// Only the images and labels we keep are read, so `--limit-train 1000` reads 1000 images.

import { describeSize, withBytes } from './bytes';
import { DatasetError } from './errors';

const IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions (count, rows, cols)
const LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension (count)

export interface IdxImages {
  /** How many images the file holds. */
  total: number;
  rows: number;
  cols: number;
  /** The first min(total, limit) images, rows × cols bytes each. */
  pixels: Uint8Array;
  count: number;
}

export interface IdxLabels {
  total: number;
  labels: Uint8Array;
  count: number;
}

const hex = (n: number) => '0x' + n.toString(16).padStart(8, '0');

function readHeader(file: string, bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) words.push(view.getUint32(i, false));
  if (words.length === 0) throw new DatasetError(file, 'empty');
  return words;
}

export function readIdxImages(file: string, opts: { limit?: number; shape?: [number, number] } = {}): IdxImages {
  return withBytes(file, (src) => {
    if (src.size < 16) {
      throw new DatasetError(file, `truncated: ${describeSize(src)}, shorter than the 16-byte header of an IDX image file`);
    }
    const [magic = 0, total = 0, rows = 0, cols = 0] = readHeader(file, src.read(0, 16));
    if (magic !== IMAGES_MAGIC) {
      throw new DatasetError(file, `not an IDX image file: magic number ${hex(magic)}, expected ${hex(IMAGES_MAGIC)}`);
    }
    if (opts.shape && (rows !== opts.shape[0] || cols !== opts.shape[1])) {
      throw new DatasetError(file, `images are ${rows}×${cols}, expected ${opts.shape[0]}×${opts.shape[1]}`);
    }
    if (total === 0 || rows === 0 || cols === 0) {
      throw new DatasetError(file, `header says ${total} images of ${rows}×${cols}: no data`);
    }
    const expected = 16 + total * rows * cols;
    if (src.size !== expected) {
      const what = `header says ${total} images of ${rows}×${cols} (${expected} bytes) but the file has ${describeSize(src)}`;
      throw new DatasetError(file, src.size < expected ? `truncated: ${what}` : what);
    }
    const count = Math.min(total, opts.limit ?? total);
    return { total, rows, cols, count, pixels: src.read(16, count * rows * cols) };
  });
}

export function readIdxLabels(file: string, opts: { limit?: number; classes: number }): IdxLabels {
  return withBytes(file, (src) => {
    if (src.size < 8) {
      throw new DatasetError(file, `truncated: ${describeSize(src)}, shorter than the 8-byte header of an IDX label file`);
    }
    const [magic = 0, total = 0] = readHeader(file, src.read(0, 8));
    if (magic !== LABELS_MAGIC) {
      throw new DatasetError(file, `not an IDX label file: magic number ${hex(magic)}, expected ${hex(LABELS_MAGIC)}`);
    }
    if (total === 0) throw new DatasetError(file, 'header says 0 labels: no data');
    const expected = 8 + total;
    if (src.size !== expected) {
      const what = `header says ${total} labels (${expected} bytes) but the file has ${describeSize(src)}`;
      throw new DatasetError(file, src.size < expected ? `truncated: ${what}` : what);
    }
    const count = Math.min(total, opts.limit ?? total);
    const labels = src.read(8, count);
    for (let i = 0; i < count; i++) {
      if (labels[i]! >= opts.classes) {
        throw new DatasetError(file, `label ${labels[i]} at index ${i} is outside 0…${opts.classes - 1}`);
      }
    }
    return { total, count, labels };
  });
}
