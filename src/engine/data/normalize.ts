// Per-channel normalization statistics for normalize: 'dataset', computed from the training set,
// never from test data. (The loop applies (x − mean) / std on the backend: training/data.ts.)

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
