import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Rng, augmentBatch, batchCount, batches, channelStats, deriveSeed, flipHorizontal, isAugmenting,
  permutation, permutePixels, pixelPermutation, splitValidation, type Split,
} from '../../../../src/engine/data/index';

// The pure helpers the training loop applies to splits: properties that must hold for any
// seed, and determinism for a fixed one.

type Shape = [number, number, number];

/** A split whose values encode (image, position, channel), so any mix-up is visible. */
function codedSplit(count: number, shape: Shape, tag = 0): Split {
  const [h, w, c] = shape;
  const size = h * w * c;
  const images = new Float32Array(count * size);
  for (let n = 0; n < count; n++) for (let i = 0; i < size; i++) images[n * size + i] = tag * 1e6 + n * 1000 + i;
  return { images, labels: Int32Array.from({ length: count }, (_, n) => n % 10), count };
}

/** Random images in [0, 1]. */
function randomImages(count: number, shape: Shape, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * shape[0] * shape[1] * shape[2] }, () => rng.next());
}

test('Rng: reproducible per seed, different across seeds, uniform in [0, 1)', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const seqA = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(Array.from({ length: 1000 }, () => b.next()), seqA);
  assert.notDeepEqual(Array.from({ length: 10 }, () => new Rng(43).next()), seqA.slice(0, 10));
  assert.ok(seqA.every((v) => v >= 0 && v < 1));
  const mean = seqA.reduce((s, v) => s + v, 0) / seqA.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  const counts = new Array(5).fill(0);
  const r = new Rng(7);
  for (let i = 0; i < 5000; i++) counts[r.int(5)]++;
  assert.ok(counts.every((n) => n > 850 && n < 1150), `int(5) counts ${counts}`);
  const normals = Array.from({ length: 4000 }, () => r.normal());
  const nm = normals.reduce((s, v) => s + v, 0) / normals.length;
  const nv = normals.reduce((s, v) => s + (v - nm) ** 2, 0) / normals.length;
  assert.ok(Math.abs(nm) < 0.06 && Math.abs(nv - 1) < 0.08, `normal mean ${nm} variance ${nv}`);
  assert.notEqual(deriveSeed(1, 'a', 'bc'), deriveSeed(1, 'ab', 'c'));
  assert.notEqual(deriveSeed(1, 'epoch', 1), deriveSeed(1, 'epoch', 2));
  assert.equal(deriveSeed(5, 'x'), deriveSeed(5, 'x'));
});

test('permutation: a bijection of 0…n−1, fixed by its seed', () => {
  for (const n of [0, 1, 2, 97, 1000]) {
    const p = permutation(n, 3);
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  }
  assert.deepEqual(permutation(500, 9), permutation(500, 9));
  assert.notDeepEqual(permutation(500, 9), permutation(500, 10));
  assert.notDeepEqual(permutation(500, 9), Int32Array.from({ length: 500 }, (_, i) => i));
});

test('permutePixels: one position permutation, channels kept together, identical for train and test', () => {
  const shape: Shape = [5, 7, 3];
  const train = codedSplit(4, shape, 1);
  const test = codedSplit(2, shape, 2);
  const pTrain = permutePixels(train, shape, 11);
  const pTest = permutePixels(test, shape, 11);
  const order = pixelPermutation(shape, 11);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 35 }, (_, i) => i));
  for (const [orig, permuted, count] of [[train, pTrain, 4], [test, pTest, 2]] as const) {
    assert.deepEqual(permuted.labels, orig.labels);
    for (let n = 0; n < count; n++) {
      for (let p = 0; p < 35; p++) {
        for (let k = 0; k < 3; k++) {
          assert.equal(permuted.images[n * 105 + p * 3 + k], orig.images[n * 105 + order[p]! * 3 + k]);
        }
      }
    }
  }
  // The input is untouched, and another seed scrambles differently.
  assert.deepEqual(train, codedSplit(4, shape, 1));
  assert.notDeepEqual(permutePixels(train, shape, 12).images, pTrain.images);
});

test('splitValidation: disjoint parts covering the set, the requested size, fixed by the seed', () => {
  const shape: Shape = [2, 2, 1];
  const all = codedSplit(50, shape);
  const { train, validation } = splitValidation(all, 0.2, 5);
  assert.equal(validation.count, 10);
  assert.equal(train.count, 40);
  const ids = (s: Split) => Array.from({ length: s.count }, (_, n) => s.images[n * 4]! / 1000);
  const seen = [...ids(train), ...ids(validation)].sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i));
  // Labels travel with their images; each part keeps the original order.
  for (const s of [train, validation]) {
    ids(s).forEach((id, n) => assert.equal(s.labels[n], id % 10));
    assert.deepEqual(ids(s), [...ids(s)].sort((a, b) => a - b));
  }
  assert.deepEqual(splitValidation(all, 0.2, 5).validation, validation);
  assert.notDeepEqual(splitValidation(all, 0.2, 6).validation, validation);
  assert.equal(splitValidation(all, 0, 5).train.count, 50);
  assert.throws(() => splitValidation(all, 1, 5), { message: 'validationSplit must be in [0, 1), got 1' });
});

test('channelStats: the mean and standard deviation of each channel over every pixel', () => {
  const shape: Shape = [1, 2, 2];
  // Channel 0 takes 0, 0.5, 1, 0.5; channel 1 is always 0.25.
  const split: Split = { images: Float32Array.from([0, 0.25, 0.5, 0.25, 1, 0.25, 0.5, 0.25]), labels: new Int32Array(2), count: 2 };
  const { mean, std } = channelStats(split, shape);
  assert.ok(Math.abs(mean[0]! - 0.5) < 1e-9 && Math.abs(mean[1]! - 0.25) < 1e-9);
  assert.ok(Math.abs(std[0]! - Math.sqrt(0.125)) < 1e-7 && std[1]! < 1e-7);
});

test('augmentation: a crop with padding 0 and a rotation of 0 are the identity; flipping twice is too', () => {
  const shape: Shape = [6, 5, 3];
  const images = randomImages(8, shape, 2);
  assert.deepEqual(augmentBatch(images, 8, shape, { randomCrop: { padding: 0 }, rotation: 0 }, new Rng(1)), images);
  const flipped = flipHorizontal(images, 8, shape);
  assert.notDeepEqual(flipped, images);
  assert.deepEqual(flipHorizontal(flipped, 8, shape), images);
  // Mirror means pixel (y, x) ↔ (y, w − 1 − x), channels together.
  assert.equal(flipped[(2 * 5 + 1) * 3 + 2], images[(2 * 5 + 3) * 3 + 2]);
  assert.equal(isAugmenting({ randomCrop: { padding: 0 }, rotation: 0 }), false);
  assert.equal(isAugmenting({ horizontalFlip: true }), true);
});

test('augmentation: a random flip gives each image or its mirror, both seen, and leaves the input alone', () => {
  const shape: Shape = [4, 4, 1];
  const count = 64;
  const images = randomImages(count, shape, 3);
  const before = images.slice();
  const flipped = flipHorizontal(images, count, shape);
  const out = augmentBatch(images, count, shape, { horizontalFlip: true }, new Rng(4));
  assert.deepEqual(images, before);
  let mirrored = 0;
  for (let n = 0; n < count; n++) {
    const o = out.subarray(n * 16, (n + 1) * 16);
    const same = o.every((v, i) => v === images[n * 16 + i]);
    const mirror = o.every((v, i) => v === flipped[n * 16 + i]);
    assert.ok(same || mirror, `image ${n} is neither itself nor its mirror`);
    if (mirror) mirrored++;
  }
  assert.ok(mirrored > 16 && mirrored < 48, `${mirrored} of ${count} mirrored`);
});

test('augmentation: a padded random crop is a shift by at most the padding, zeros coming in', () => {
  const shape: Shape = [6, 6, 2];
  const count = 40;
  const images = randomImages(count, shape, 5).map((v) => 0.1 + 0.9 * v); // no zeros of its own
  const out = augmentBatch(images, count, shape, { randomCrop: { padding: 2 } }, new Rng(6));
  const shifts = new Set<string>();
  for (let n = 0; n < count; n++) {
    const at = (arr: Float32Array, y: number, x: number, k: number) => (y < 0 || y >= 6 || x < 0 || x >= 6 ? 0 : arr[n * 72 + (y * 6 + x) * 2 + k]!);
    let found: string | undefined;
    for (let dy = -2; dy <= 2 && !found; dy++) {
      for (let dx = -2; dx <= 2 && !found; dx++) {
        let ok = true;
        for (let y = 0; y < 6 && ok; y++) for (let x = 0; x < 6 && ok; x++) for (let k = 0; k < 2; k++) ok &&= at(out, y, x, k) === at(images, y + dy, x + dx, k);
        if (ok) found = `${dy},${dx}`;
      }
    }
    assert.ok(found, `image ${n} is not a shift of its input`);
    shifts.add(found);
  }
  assert.ok(shifts.size > 8, `only ${shifts.size} distinct shifts`);
});

test('augmentation: rotation keeps the centre of a constant image, zeros the corners sometimes, stays in range', () => {
  const shape: Shape = [9, 9, 1];
  const count = 30;
  const images = new Float32Array(count * 81).fill(0.8);
  const out = augmentBatch(images, count, shape, { rotation: 45 }, new Rng(8));
  let cornersDarkened = 0;
  for (let n = 0; n < count; n++) {
    assert.ok(Math.abs(out[n * 81 + 4 * 9 + 4]! - 0.8) < 1e-6, 'centre pixel');
    if (out[n * 81]! < 0.7) cornersDarkened++;
  }
  assert.ok(cornersDarkened > 5, `${cornersDarkened} rotated corners`);
  assert.ok(out.every((v) => v >= 0 && v <= 0.8 + 1e-6));
});

test('augmentation: colour jitter as defined (brightness scales, hue leaves grays, saturation needs colour)', () => {
  const shape: Shape = [3, 3, 3];
  const count = 10;
  const images = randomImages(count, shape, 9).map((v) => 0.2 + 0.5 * v); // away from the clamp
  const bright = augmentBatch(images, count, shape, { colorJitter: { brightness: 0.3 } }, new Rng(10));
  const factors = new Set<string>();
  for (let n = 0; n < count; n++) {
    const f = bright[n * 27]! / images[n * 27]!;
    assert.ok(f >= 0.7 - 1e-6 && f <= 1.3 + 1e-6, `factor ${f}`);
    for (let i = 0; i < 27; i++) assert.ok(Math.abs(bright[n * 27 + i]! - images[n * 27 + i]! * f) < 1e-5);
    factors.add(f.toFixed(4));
  }
  assert.ok(factors.size > 5, 'one factor per image');

  const gray = new Float32Array(count * 27);
  for (let p = 0; p < count * 9; p++) gray.fill(0.1 + (p % 7) / 10, p * 3, p * 3 + 3);
  const hued = augmentBatch(gray, count, shape, { colorJitter: { hue: 0.5, saturation: 0.9 } }, new Rng(11));
  hued.forEach((v, i) => assert.ok(Math.abs(v - gray[i]!) < 1e-5, `gray value ${i} changed`));
  const colour = augmentBatch(images, count, shape, { colorJitter: { hue: 0.5 } }, new Rng(11));
  assert.notDeepEqual(colour, images);

  const one: Shape = [3, 3, 1];
  const single = images.slice(0, count * 9);
  assert.deepEqual(augmentBatch(single, count, one, { colorJitter: { saturation: 0.9, hue: 0.4 } }, new Rng(1)), single);
  // Contrast moves values towards or away from the image mean, which stays where it was.
  const contrasted = augmentBatch(single, count, one, { colorJitter: { contrast: 0.5 } }, new Rng(12));
  for (let n = 0; n < count; n++) {
    const mean = (a: Float32Array) => a.subarray(n * 9, n * 9 + 9).reduce((s, v) => s + v, 0) / 9;
    assert.ok(Math.abs(mean(contrasted) - mean(single)) < 1e-5);
  }
});

test('augmentation is deterministic for a seed, differs across seeds, and fills `out` when given', () => {
  const shape: Shape = [8, 8, 3];
  const spec = { randomCrop: { padding: 2 }, horizontalFlip: true, rotation: 15, colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.05 } };
  const images = randomImages(6, shape, 13);
  const a = augmentBatch(images, 6, shape, spec, new Rng(21));
  assert.deepEqual(augmentBatch(images, 6, shape, spec, new Rng(21)), a);
  assert.notDeepEqual(augmentBatch(images, 6, shape, spec, new Rng(22)), a);
  const out = new Float32Array(images.length);
  assert.equal(augmentBatch(images, 6, shape, spec, new Rng(21), out), out);
  assert.deepEqual(out, a);
  assert.ok(a.every((v) => v >= 0 && v <= 1));
});

test('batches: every image once per epoch, in order or a seeded per-epoch shuffle, gathered correctly', () => {
  const shape: Shape = [2, 2, 1];
  const split = codedSplit(23, shape);
  const visit = (opts: Parameters<typeof batches>[2], size = 5) => [...batches(split, size, opts)];
  const plain = visit({ shuffle: false });
  assert.deepEqual(plain.map((b) => b.count), [5, 5, 5, 5, 3]);
  assert.equal(batchCount(23, 5), 5);
  assert.deepEqual(plain.flatMap((b) => [...b.indices]), Array.from({ length: 23 }, (_, i) => i));
  const epoch1 = visit({ shuffle: true, seed: 7, epoch: 1 });
  const order1 = epoch1.flatMap((b) => [...b.indices]);
  assert.deepEqual([...order1].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  assert.notDeepEqual(order1, Array.from({ length: 23 }, (_, i) => i));
  assert.deepEqual(visit({ shuffle: true, seed: 7, epoch: 1 }).flatMap((b) => [...b.indices]), order1);
  assert.notDeepEqual(visit({ shuffle: true, seed: 7, epoch: 2 }).flatMap((b) => [...b.indices]), order1);
  for (const b of epoch1) {
    b.indices.forEach((i, k) => {
      assert.equal(b.labels[k], split.labels[i]);
      assert.deepEqual(b.images.subarray(k * 4, k * 4 + 4), split.images.subarray(i * 4, i * 4 + 4));
    });
  }
  const dropped = visit({ shuffle: true, seed: 1, dropLast: true });
  assert.deepEqual(dropped.map((b) => b.count), [5, 5, 5, 5]);
  assert.equal(batchCount(23, 5, true), 4);
  assert.throws(() => visit({ shuffle: false }, 0), { message: 'batchSize must be a positive integer, got 0' });
});
