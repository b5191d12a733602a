// Resizing to the model's input size: separable bilinear (triangle) filtering with half-pixel
// centres. When shrinking, the filter widens with the scale, so every source pixel contributes
// (as PIL's bilinear resize does) instead of aliasing by skipping pixels. Weights are computed
// once per axis and output position, never per pixel.

import { imageValues, type Dataset, type Split } from './types';

interface AxisWeights {
  start: Int32Array; // first source index per output index
  count: Int32Array; // number of source indices per output index
  weights: Float32Array; // output index × span, normalized to sum 1
  span: number;
}

function axisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const support = Math.max(1, scale); // triangle half-width in source pixels
  const span = Math.ceil(2 * support) + 2; // the most source indices a window can touch
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * span);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale; // in source coordinates (pixel i covers [i, i+1))
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(inSize, Math.ceil(centre + support));
    let sum = 0;
    let k = 0;
    for (let i = lo; i < hi; i++, k++) {
      const w = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      weights[o * span + k] = w;
      sum += w;
    }
    // Near the edges part of the filter falls outside: renormalize (clamp-to-edge behaviour).
    for (let j = 0; j < k; j++) weights[o * span + j]! /= sum || 1;
    start[o] = lo;
    count[o] = k;
  }
  return { start, count, weights, span };
}

/** Resizes an h×w×c float image to outH×outW×c. The same size returns a copy. */
export function resizeImage(src: Float32Array, h: number, w: number, c: number, outH: number, outW: number): Float32Array {
  if (h === outH && w === outW) return src.slice();
  // Horizontal pass: h × outW × c, then vertical: outH × outW × c.
  const xw = axisWeights(w, outW);
  const mid = new Float32Array(h * outW * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      const s = xw.start[x]!;
      const n = xw.count[x]!;
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += xw.weights[x * xw.span + k]! * src[(y * w + s + k) * c + ch]!;
        mid[(y * outW + x) * c + ch] = acc;
      }
    }
  }
  const yw = axisWeights(h, outH);
  const out = new Float32Array(outH * outW * c);
  for (let y = 0; y < outH; y++) {
    const s = yw.start[y]!;
    const n = yw.count[y]!;
    for (let x = 0; x < outW; x++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += yw.weights[y * yw.span + k]! * mid[((s + k) * outW + x) * c + ch]!;
        out[(y * outW + x) * c + ch] = acc;
      }
    }
  }
  return out;
}

/**
 * A dataset whose images are another size than the model's input (Fashion-MNIST's 28×28 for a
 * 96×96 GoogLeNet, CIFAR's 32×32 for a 224×224 network): every image resized to the input's
 * height and width, each value rounded to a byte's step (byte / 255) as the images were decoded,
 * so the torch engine's prepared bytes and the tfjs engine's floats are the same images. The
 * sentence for the run's log says what was done; null (and the dataset as it was) when the sizes
 * agree, or when the model's input is not an image of the dataset's channels (the configuration
 * check says so then).
 */
export function resizeToInput(ds: Dataset, inputShape: readonly number[]): { dataset: Dataset; resized: string | null } {
  const [h, w, c] = ds.imageShape;
  if (inputShape.length !== 3 || inputShape[2] !== c || (inputShape[0] === h && inputShape[1] === w)) return { dataset: ds, resized: null };
  const outH = inputShape[0]!;
  const outW = inputShape[1]!;
  const resizeSplit = (split: Split): Split => {
    const inSize = h * w * c;
    const outSize = outH * outW * c;
    const images = imageValues(split.count * outSize);
    for (let i = 0; i < split.count; i++) {
      const out = resizeImage(split.images.subarray(i * inSize, (i + 1) * inSize), h, w, c, outH, outW);
      for (let k = 0; k < outSize; k++) images[i * outSize + k] = Math.round(Math.min(1, Math.max(0, out[k]!)) * 255) / 255;
    }
    return { images, labels: split.labels, count: split.count };
  };
  return {
    dataset: { ...ds, imageShape: [outH, outW, c], train: resizeSplit(ds.train), test: resizeSplit(ds.test) },
    resized: `images resized from ${h}×${w} to the model's ${outH}×${outW} (bilinear)`,
  };
}
