// A small learnable dataset for fast tests and demos, made on the spot (no files): 28×28×1,
// ten classes; class k is a bright 5×5 patch in the k-th cell of a 4×3 grid, moved by up to
// 2 pixels, with random brightness and Gaussian noise. A small CNN learns it in one epoch; a
// broken training loop does not. Deterministic: the same images on every run.

import { Rng, deriveSeed } from './random';
import { imageValues, type Dataset, type Split } from './types';

const SIZE = 28;
const PATCH = 5;
const SYNTHETIC_DEFAULT_COUNTS = { train: 5000, test: 1000 };

function generate(count: number, seed: number): Split {
  const rng = new Rng(seed);
  const images = imageValues(count * SIZE * SIZE);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 10; // balanced, and so is any prefix
    labels[n] = label;
    const top = 2 + Math.floor(label / 4) * 9 + rng.int(3);
    const left = (label % 4) * 7 + rng.int(3);
    const level = rng.uniform(0.6, 1);
    const base = n * SIZE * SIZE;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const inPatch = y >= top && y < top + PATCH && x >= left && x < left + PATCH;
        const v = (inPatch ? level : 0) + 0.15 * rng.normal();
        images[base + y * SIZE + x] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return { images, labels, count };
}

export function loadSynthetic(limits: { train?: number; test?: number }): Dataset {
  return {
    id: 'synthetic',
    classNames: Array.from({ length: 10 }, (_, k) => `patch ${k}`),
    imageShape: [SIZE, SIZE, 1],
    source: 'generated (synthetic)',
    train: generate(limits.train ?? SYNTHETIC_DEFAULT_COUNTS.train, deriveSeed(0, 'synthetic', 'train')),
    test: generate(limits.test ?? SYNTHETIC_DEFAULT_COUNTS.test, deriveSeed(0, 'synthetic', 'test')),
  };
}
