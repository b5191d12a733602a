// Mini-batches over a split: an optional seeded shuffle, then consecutive slices, each gathered
// into its own arrays (what a tensor is made from).

import { deriveSeed } from './random';
import { permutation } from './permute';
import { valuesPerImage } from './split';
import type { Split } from './types';

export interface Batch {
  /** Positions in the split of this batch's images. */
  indices: Int32Array;
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

export interface BatchOptions {
  shuffle: boolean;
  /** Shuffle seed; with `epoch`, each epoch gets its own order, reproducibly. */
  seed?: number;
  epoch?: number;
  /** Leave out a last, smaller batch. */
  dropLast?: boolean;
}

/** The order in which a split is visited: 0…n−1, or a seeded permutation. */
function batchOrder(count: number, opts: BatchOptions): Int32Array {
  if (!opts.shuffle) return Int32Array.from({ length: count }, (_, i) => i);
  const seed = opts.epoch === undefined ? (opts.seed ?? 0) : deriveSeed(opts.seed ?? 0, 'epoch', opts.epoch);
  return permutation(count, seed);
}

export function* batches(split: Split, batchSize: number, opts: BatchOptions): Generator<Batch> {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const order = batchOrder(split.count, opts);
  const size = valuesPerImage(split);
  for (let start = 0; start < split.count; start += batchSize) {
    const count = Math.min(batchSize, split.count - start);
    if (count < batchSize && opts.dropLast) return;
    const indices = order.slice(start, start + count);
    const images = new Float32Array(count * size);
    const labels = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const i = indices[k]!;
      images.set(split.images.subarray(i * size, (i + 1) * size), k * size);
      labels[k] = split.labels[i]!;
    }
    yield { indices, images, labels, count };
  }
}

/** Number of batches `batches` yields. */
export function batchCount(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}
