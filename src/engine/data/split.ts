// Building and cutting Splits: bytes to [0, 1] floats, gathering a subset, and the
// validation hold-out. All copies: a Split handed out is never aliased by another.

import { permutation } from './permute';
import { imageValues, type Split } from './types';

/** A Split from 0…255 bytes (NHWC) and labels. */
export function splitFromBytes(pixels: Uint8Array, labels: ArrayLike<number>, count: number): Split {
  const images = imageValues(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i]! / 255;
  return { images, labels: Int32Array.from({ length: count }, (_, i) => labels[i]!), count };
}

/** Values per image of a split (0 for an empty one). */
export function valuesPerImage(split: Split): number {
  return split.count === 0 ? 0 : split.images.length / split.count;
}

/** The images at `indices`, in that order. */
function gather(split: Split, indices: ArrayLike<number>): Split {
  const size = valuesPerImage(split);
  const count = indices.length;
  const images = imageValues(count * size);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < split.count)) throw new RangeError(`index ${i} is outside the split (0…${split.count - 1})`);
    images.set(split.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = split.labels[i]!;
  }
  return { images, labels, count };
}

/** The first `n` images (all when n is undefined or larger). */
export function takeFirst(split: Split, n: number | undefined): Split {
  if (n === undefined || n >= split.count) return split;
  const size = valuesPerImage(split);
  const count = Math.max(0, Math.floor(n));
  const images = imageValues(count * size);
  images.set(split.images.subarray(0, count * size));
  return { images, labels: split.labels.slice(0, count), count };
}

/**
 * Holds out round(count × fraction) random images for validation. Deterministic for a seed;
 * both parts keep the original order (so a prefix of either stays a fair sample).
 */
export function splitValidation(train: Split, fraction: number, seed: number): { train: Split; validation: Split } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validationSplit must be in [0, 1), got ${fraction}`);
  const held = Math.round(train.count * fraction);
  const order = permutation(train.count, seed);
  const validation = order.slice(0, held).sort();
  const rest = order.slice(held).sort();
  return { train: gather(train, rest), validation: gather(train, validation) };
}
