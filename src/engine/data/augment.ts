// Training-time augmentation of a batch (the caller applies it to training data only, before
// normalization, on values in [0, 1]). Per image, in torchvision's usual order: random crop
// from a zero-padded image, horizontal flip with probability ½, rotation by a uniform angle in
// [−rotation, +rotation] degrees (bilinear, zeros outside), then colour jitter. The geometric
// steps are composed into one inverse mapping, so each output pixel is sampled once.

import type { RandomSource } from './random';

export interface AugmentSpec {
  randomCrop?: { padding: number };
  horizontalFlip?: boolean;
  rotation?: number;
  colorJitter?: { brightness?: number; contrast?: number; saturation?: number; hue?: number };
}

type Shape = readonly [number, number, number];

const randInt = (rng: RandomSource, lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
/** A jitter factor as torchvision draws it: uniform in [max(0, 1 − s), 1 + s]. */
const factor = (rng: RandomSource, s: number) => Math.max(0, 1 - s) + rng.next() * (1 + s - Math.max(0, 1 - s));

/** Whether the spec changes anything (so the loop can skip the copy). */
export function isAugmenting(spec: AugmentSpec | undefined): boolean {
  if (!spec) return false;
  const j = spec.colorJitter;
  return (spec.randomCrop?.padding ?? 0) > 0 || spec.horizontalFlip === true || (spec.rotation ?? 0) > 0
    || !!j && ((j.brightness ?? 0) > 0 || (j.contrast ?? 0) > 0 || (j.saturation ?? 0) > 0 || (j.hue ?? 0) > 0);
}

/** Returns a new array (or fills `out`) with `count` augmented images; `images` is not changed. */
export function augmentBatch(
  images: Float32Array, count: number, imageShape: Shape, spec: AugmentSpec, rng: RandomSource, out?: Float32Array,
): Float32Array {
  const [h, w, c] = imageShape;
  const size = h * w * c;
  if (images.length < count * size) throw new RangeError(`augmentBatch: ${images.length} values are fewer than ${count} × ${imageShape.join('×')}`);
  const padding = spec.randomCrop?.padding ?? 0;
  const maxAngle = spec.rotation ?? 0;
  if (!(Number.isInteger(padding) && padding >= 0)) throw new RangeError(`randomCrop.padding must be a non-negative integer, got ${padding}`);
  if (!(maxAngle >= 0)) throw new RangeError(`rotation must be a non-negative number of degrees, got ${maxAngle}`);
  const target = out ?? new Float32Array(count * size);
  for (let n = 0; n < count; n++) {
    const src = images.subarray(n * size, (n + 1) * size);
    const dst = target.subarray(n * size, (n + 1) * size);
    // Draw every random number of this image first, in a fixed order: reproducible per seed.
    const dy = padding > 0 ? randInt(rng, -padding, padding) : 0;
    const dx = padding > 0 ? randInt(rng, -padding, padding) : 0;
    const flip = spec.horizontalFlip === true && rng.next() < 0.5;
    const angle = maxAngle > 0 ? (rng.next() * 2 - 1) * maxAngle : 0;
    if (angle === 0) shiftFlip(src, dst, h, w, c, dy, dx, flip);
    else rotateShiftFlip(src, dst, h, w, c, dy, dx, flip, (angle * Math.PI) / 180);
    if (spec.colorJitter) jitter(dst, h * w, c, spec.colorJitter, rng);
  }
  return target;
}

/** Crop offset and flip only: whole-pixel moves, exact copies. */
function shiftFlip(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, dy: number, dx: number, flip: boolean): void {
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    for (let x = 0; x < w; x++) {
      const sx = (flip ? w - 1 - x : x) + dx;
      const o = (y * w + x) * c;
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
        for (let k = 0; k < c; k++) dst[o + k] = 0;
      } else {
        const s = (sy * w + sx) * c;
        for (let k = 0; k < c; k++) dst[o + k] = src[s + k]!;
      }
    }
  }
}

/** Output (y, x) ← rotate back about the centre ← unflip ← uncrop, sampled bilinearly. */
function rotateShiftFlip(
  src: Float32Array, dst: Float32Array, h: number, w: number, c: number, dy: number, dx: number, flip: boolean, theta: number,
): void {
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse rotation (counter-clockwise image rotation for positive angles).
      const ry = cy + (y - cy) * cos - (x - cx) * sin;
      const rx = cx + (y - cy) * sin + (x - cx) * cos;
      const sy = ry + dy;
      const sx = (flip ? w - 1 - rx : rx) + dx;
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const fy = sy - y0;
      const fx = sx - x0;
      // The four neighbours' offsets and weights; a neighbour outside the image counts as 0.
      const inY0 = y0 >= 0 && y0 < h, inY1 = y0 + 1 >= 0 && y0 + 1 < h;
      const inX0 = x0 >= 0 && x0 < w, inX1 = x0 + 1 >= 0 && x0 + 1 < w;
      const w00 = inY0 && inX0 ? (1 - fy) * (1 - fx) : 0, s00 = (y0 * w + x0) * c;
      const w01 = inY0 && inX1 ? (1 - fy) * fx : 0, s01 = s00 + c;
      const w10 = inY1 && inX0 ? fy * (1 - fx) : 0, s10 = s00 + w * c;
      const w11 = inY1 && inX1 ? fy * fx : 0, s11 = s10 + c;
      const o = (y * w + x) * c;
      for (let k = 0; k < c; k++) {
        let v = 0;
        if (w00 !== 0) v += w00 * src[s00 + k]!;
        if (w01 !== 0) v += w01 * src[s01 + k]!;
        if (w10 !== 0) v += w10 * src[s10 + k]!;
        if (w11 !== 0) v += w11 * src[s11 + k]!;
        dst[o + k] = v;
      }
    }
  }
}

const luma = (img: Float32Array, p: number) => 0.299 * img[p]! + 0.587 * img[p + 1]! + 0.114 * img[p + 2]!;

/** Brightness, contrast, saturation, hue (torchvision's definitions, fixed order), in place. */
function jitter(img: Float32Array, pixels: number, c: number, j: NonNullable<AugmentSpec['colorJitter']>, rng: RandomSource): void {
  const n = pixels * c;
  if ((j.brightness ?? 0) > 0) {
    const f = factor(rng, j.brightness!);
    for (let i = 0; i < n; i++) img[i] = clamp01(img[i]! * f);
  }
  if ((j.contrast ?? 0) > 0) {
    const f = factor(rng, j.contrast!);
    let mean = 0; // of the grayscale image
    for (let p = 0; p < n; p += c) mean += c === 3 ? luma(img, p) : img[p]!;
    mean /= pixels;
    for (let i = 0; i < n; i++) img[i] = clamp01(mean + f * (img[i]! - mean));
  }
  if (c !== 3) return; // saturation and hue mean nothing without colour
  if ((j.saturation ?? 0) > 0) {
    const f = factor(rng, j.saturation!);
    for (let p = 0; p < n; p += 3) {
      const g = luma(img, p);
      for (let k = 0; k < 3; k++) img[p + k] = clamp01(g + f * (img[p + k]! - g));
    }
  }
  if ((j.hue ?? 0) > 0) {
    // A rotation of the chroma plane of YIQ by a fraction of a turn: grays stay as they are.
    const turn = (rng.next() * 2 - 1) * Math.min(j.hue!, 0.5) * 2 * Math.PI;
    const cos = Math.cos(turn);
    const sin = Math.sin(turn);
    for (let p = 0; p < n; p += 3) {
      const r = img[p]!, g = img[p + 1]!, b = img[p + 2]!;
      const Y = 0.299 * r + 0.587 * g + 0.114 * b;
      const I0 = 0.596 * r - 0.274 * g - 0.322 * b;
      const Q0 = 0.211 * r - 0.523 * g + 0.312 * b;
      const I = I0 * cos - Q0 * sin;
      const Q = I0 * sin + Q0 * cos;
      img[p] = clamp01(Y + 0.956 * I + 0.621 * Q);
      img[p + 1] = clamp01(Y - 0.272 * I - 0.647 * Q);
      img[p + 2] = clamp01(Y - 1.106 * I + 1.703 * Q);
    }
  }
}

/** Mirrors every image left–right (deterministic; what a drawn flip does). */
export function flipHorizontal(images: Float32Array, count: number, imageShape: Shape): Float32Array {
  const [h, w, c] = imageShape;
  const size = h * w * c;
  const out = new Float32Array(count * size);
  for (let n = 0; n < count; n++) shiftFlip(images.subarray(n * size), out.subarray(n * size, (n + 1) * size), h, w, c, 0, 0, true);
  return out;
}
