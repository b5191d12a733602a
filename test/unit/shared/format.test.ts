import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  byteSize, compactCount, exactCount, exactCountWithCompact, exactOrCompactCount, isApproximateCount,
} from '../../../src/shared/format';

// The number notations every view shares, at the limits users reach: counts past 2^53 (which a
// float64 cannot hold exactly) and sizes past GiB.

test('exact counts stay exact up to 2^53 − 1; past it they are marked approximate, never given false digits', () => {
  assert.equal(exactCount(61_706), '61,706');
  assert.equal(exactCount(Number.MAX_SAFE_INTEGER), '9,007,199,254,740,991');
  assert.equal(isApproximateCount(Number.MAX_SAFE_INTEGER), false);
  assert.equal(isApproximateCount(2 ** 53), true);
  // 3e10 inputs × 1e9 units + 1e9 biases: the float64 nearest 30,000,000,001,000,000,000.
  const params = 3e10 * 1e9 + 1e9;
  assert.equal(exactCount(params), '≈3.00e19');
  assert.equal(exactCount(-params), '≈-3.00e19');
  assert.equal(exactCountWithCompact(params), '≈3.00e19');
  assert.equal(exactCountWithCompact(1_823_000), '1,823,000 (1.82 M)');
  assert.equal(exactOrCompactCount(params), '3.00e19');
});

test('compact counts go on past G: T, then a power of ten', () => {
  assert.equal(compactCount(999), '999');
  assert.equal(compactCount(416_520), '416.52 K');
  assert.equal(compactCount(1.81e9), '1.81 G');
  assert.equal(compactCount(1.95e12), '1.95 T');
  assert.equal(compactCount(999.994e12), '999.99 T');
  assert.equal(compactCount(1e15), '1.00e15');
  assert.equal(compactCount(3.0000000011e19), '3.00e19');
});

test('sizes in binary units up to YiB, then bytes as a power of ten', () => {
  assert.equal(byteSize(512), '512 B');
  assert.equal(byteSize(1023), '1023 B');
  assert.equal(byteSize(1024), '1.00 KiB');
  assert.equal(byteSize(10_240_000), '9.77 MiB');
  assert.equal(byteSize(24 * 2 ** 30), '24.00 GiB');
  assert.equal(byteSize(2.5 * 2 ** 40), '2.50 TiB');
  assert.equal(byteSize(3 * 2 ** 50), '3.00 PiB');
  assert.equal(byteSize(1.2e20), '104.08 EiB');
  assert.equal(byteSize(2 ** 70), '1.00 ZiB');
  assert.equal(byteSize(2 ** 80 * 1023), '1023.00 YiB');
  assert.equal(byteSize(2 ** 90), '1.24e27 B');
});
