// Seeded permutations: of indices (shuffles, splits) and of pixel positions (the permutePixels
// experiment: a fixed scrambling of positions that destroys spatial structure, which a dense
// net does not care about and a CNN does).

import { Rng } from './random';
import { imageValues, type Split } from './types';

/** A uniformly random permutation of 0…n−1, the same for the same (n, seed). */
export function permutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return new Rng(seed).shuffle(out);
}

/**
 * The pixel order permutePixels uses: output position p takes input position order[p]. Only
 * (h, w, seed) matter, so train and test (and any later batch) get the same one.
 */
export function pixelPermutation(imageShape: readonly [number, number, number], seed: number): Int32Array {
  return permutation(imageShape[0] * imageShape[1], seed);
}

/** A copy of `split` with every image's h×w positions permuted; a pixel's channels move together. */
export function permutePixels(split: Split, imageShape: readonly [number, number, number], seed: number): Split {
  const order = pixelPermutation(imageShape, seed);
  const positions = order.length;
  const c = imageShape[2];
  const size = positions * c;
  if (split.images.length !== split.count * size) {
    throw new RangeError(`images hold ${split.images.length} values, not ${split.count} × ${imageShape.join('×')}`);
  }
  const images = imageValues(split.images.length);
  for (let n = 0; n < split.count; n++) {
    const base = n * size;
    for (let p = 0; p < positions; p++) {
      const from = base + order[p]! * c;
      const to = base + p * c;
      for (let k = 0; k < c; k++) images[to + k] = split.images[from + k]!;
    }
  }
  return { images, labels: split.labels.slice(), count: split.count };
}
