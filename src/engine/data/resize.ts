// Resizing to the model's input size: separable bilinear (triangle) filtering with half-pixel
// centres. When shrinking, the filter widens with the scale, so every source pixel contributes
// (as PIL's bilinear resize does) instead of aliasing by skipping pixels. Weights are computed
// once per axis and output position, never per pixel.

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
