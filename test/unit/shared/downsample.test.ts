import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsampleM4, type Point } from '../../../src/shared/downsample';

// The per-pixel downsampler behind long per-step curves: what a chart of 100,000 steps still
// shows (spikes, the ends, the range of every column) from at most four points per column.

/** A noisy, slowly falling loss, x = 0 … n − 1. */
function loss(n: number): Point[] {
  return Array.from({ length: n }, (_, i) => [i, 2 * Math.exp(-i / n) + 0.05 * Math.sin(i * 1.7)]);
}

test('a one-step spike in 100,000 points survives; the output stays within four points per column', () => {
  const points = loss(100_000);
  points[61_234] = [61_234, 9];
  points[7_001] = [7_001, -3];
  const out = downsampleM4(points, 456);
  assert.ok(out.length <= 4 * 456, `${out.length} points for 456 columns`);
  assert.ok(out.length >= 2 * 456, 'every column keeps its low and its high');
  assert.ok(out.some((p) => p[0] === 61_234 && p[1] === 9), 'the spike up is kept');
  assert.ok(out.some((p) => p[0] === 7_001 && p[1] === -3), 'the spike down is kept');
  assert.deepEqual(out[0], points[0]);
  assert.deepEqual(out.at(-1), points.at(-1));
});

test('every column keeps its first, lowest, highest and last point, in order', () => {
  // Two columns over x in [0, 8]: x 0–3 in the first, 4–7 in the second, 8 at the right edge.
  const ys = [5, 1, 9, 4, 3, 3, 0, 2, 6];
  const points = ys.map((y, x): Point => [x, y]);
  assert.deepEqual(downsampleM4(points, 2, 0, 8), [[0, 5], [1, 1], [2, 9], [3, 4], [4, 3], [6, 0], [8, 6]]);
});

test('x order is kept and no point is invented: the output is a subsequence of the input', () => {
  const points = loss(10_000).map(([x, y]): Point => [x / 100, y]);
  const out = downsampleM4(points, 50);
  let at = 0;
  for (const p of out) {
    while (at < points.length && points[at] !== p) at++;
    assert.ok(at < points.length, `${JSON.stringify(p)} is an input point, after the one before it`);
  }
  for (let k = 1; k < out.length; k++) assert.ok(out[k]![0] >= out[k - 1]![0]);
});

test('few points, one x, a fixed domain: nothing lost, nothing thrown', () => {
  const few = loss(30);
  assert.deepEqual(downsampleM4(few, 10), few, 'up to four per column: all kept');
  assert.notEqual(downsampleM4(few, 10), few, 'a copy, never the caller\'s array');
  const flat = Array.from({ length: 100 }, (_, i): Point => [1, i % 7]);
  assert.deepEqual(downsampleM4(flat, 5), [[1, 0], [1, 6], [1, 1]], 'one x: one column (first and lowest, highest, last)');
  assert.deepEqual(downsampleM4([], 3), []);
  // A domain wider than the points (a live run's axis runs to its last epoch).
  const live = loss(1000).map(([x, y]): Point => [x / 1000, y]);
  const out = downsampleM4(live, 100, 0, 5);
  assert.ok(out.length <= 4 * 20, 'the points fill a fifth of the columns');
  assert.deepEqual(out.at(-1), live.at(-1));
});
