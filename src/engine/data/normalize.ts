// Per-channel normalization: (x − mean) / std, with the statistics given by the user or
// computed from the training set (normalize: 'dataset'), never from test data.

import type { Split } from './types';

/** Mean and (population) standard deviation of each channel over every pixel of the split. */
export function channelStats(split: Split, imageShape: readonly [number, number, number]): { mean: number[]; std: number[] } {
  const c = imageShape[2];
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const data = split.images;
  const n = split.count * imageShape[0] * imageShape[1];
  if (data.length !== n * c) throw new RangeError(`images hold ${data.length} values, not ${split.count} × ${imageShape.join('×')}`);
  if (n === 0) throw new RangeError('cannot compute channel statistics of an empty split');
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < c; k++) {
      const v = data[p * c + k]!;
      sum[k]! += v;
      sumSq[k]! += v * v;
    }
  }
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sumSq, (s, k) => Math.sqrt(Math.max(0, s / n - mean[k]! ** 2)));
  return { mean, std };
}

/**
 * (x − mean[c]) / std[c] for every value of a channels-last batch; writes into `out` (which may
 * be `batch` itself) or a new array.
 */
export function normalize(batch: Float32Array, mean: readonly number[], std: readonly number[], out?: Float32Array): Float32Array {
  const c = mean.length;
  if (std.length !== c) throw new RangeError(`normalize: ${c} means but ${std.length} standard deviations`);
  if (c === 0 || batch.length % c !== 0) throw new RangeError(`normalize: ${batch.length} values are not a whole number of ${c}-channel pixels`);
  std.forEach((s, k) => {
    if (!(s > 0)) throw new RangeError(`normalize: the standard deviation of channel ${k} is ${s}; it must be positive`);
  });
  const target = out ?? new Float32Array(batch.length);
  const inv = std.map((s) => 1 / s);
  for (let i = 0; i < batch.length; i += c) {
    for (let k = 0; k < c; k++) target[i + k] = (batch[i + k]! - mean[k]!) * inv[k]!;
  }
  return target;
}
