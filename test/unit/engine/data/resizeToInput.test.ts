import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resizeToInput } from '../../../../src/engine/data/resize';
import type { Dataset, Split } from '../../../../src/engine/data/types';

// A dataset of another image size than the model's input is resized to the input (both engines
// call this); values stay on a byte's steps, as decoded images are, so the torch engine's
// prepared bytes hold exactly what tfjs trains on.

function split(count: number, h: number, w: number, c: number): Split {
  const images = new Float32Array(count * h * w * c).map((_, i) => ((i * 37) % 256) / 255);
  return { images, labels: Int32Array.from({ length: count }, (_, i) => i % 3), count };
}
const dataset = (h: number, w: number, c: number): Dataset => ({
  id: 'test', classNames: ['a', 'b', 'c'], imageShape: [h, w, c], train: split(4, h, w, c), test: split(2, h, w, c), source: 'here',
});

test('images of another size are resized to the input, labels kept, values on byte steps; the log says so', () => {
  const ds = dataset(28, 28, 1);
  const { dataset: out, resized } = resizeToInput(ds, [96, 96, 1]);
  assert.equal(resized, "images resized from 28×28 to the model's 96×96 (bilinear)");
  assert.deepEqual(out.imageShape, [96, 96, 1]);
  assert.equal(out.train.images.length, 4 * 96 * 96);
  assert.equal(out.test.count, 2);
  assert.equal(out.train.labels, ds.train.labels);
  assert.ok(out.train.images.buffer instanceof SharedArrayBuffer, 'shared, as the batch pipeline reads it');
  assert.ok(out.train.images.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-4 && v >= 0 && v <= 1));
  // A constant image stays constant.
  const flat = dataset(4, 4, 3);
  flat.train.images.fill(100 / 255);
  const up = resizeToInput(flat, [10, 8, 3]).dataset;
  assert.ok(up.train.images.subarray(0, 10 * 8 * 3).every((v) => v === Math.fround(100 / 255)));
});

test('the same size, a flat input or other channels: the dataset as it is, nothing said', () => {
  const ds = dataset(28, 28, 1);
  for (const input of [[28, 28, 1], [784], [96, 96, 3]]) {
    const { dataset: out, resized } = resizeToInput(ds, input);
    assert.equal(out, ds);
    assert.equal(resized, null);
  }
});
