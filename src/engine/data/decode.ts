// PNG and JPEG files to 8-bit RGBA pixels, with pngjs and jpeg-js (pure JS, nothing native).
// The format is recognized by its signature, not the file name.

import * as fs from 'node:fs';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DatasetError, unreadable } from './errors';

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8Array;
}

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

export function decodeImage(file: string): Rgba {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw unreadable(file, err);
  }
  if (isPng(bytes)) {
    try {
      const png = PNG.sync.read(bytes); // 16-bit and palette images come back as 8-bit RGBA
      return { width: png.width, height: png.height, data: png.data };
    } catch (err) {
      throw new DatasetError(file, `not a readable PNG image (${(err as Error).message})`);
    }
  }
  if (isJpeg(bytes)) {
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    } catch (err) {
      throw new DatasetError(file, `not a readable JPEG image (${(err as Error).message})`);
    }
  }
  throw new DatasetError(file, 'neither a PNG nor a JPEG image (unknown signature)');
}

/** RGBA bytes to `channels` floats in [0, 1]: RGB as is, or luma (ITU-R 601, as PIL's 'L'). Alpha is dropped. */
export function rgbaToFloats(img: Rgba, channels: 1 | 3): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  const d = img.data;
  if (channels === 3) {
    for (let p = 0; p < n; p++) {
      out[3 * p] = d[4 * p]! / 255;
      out[3 * p + 1] = d[4 * p + 1]! / 255;
      out[3 * p + 2] = d[4 * p + 2]! / 255;
    }
  } else {
    for (let p = 0; p < n; p++) {
      out[p] = (0.299 * d[4 * p]! + 0.587 * d[4 * p + 1]! + 0.114 * d[4 * p + 2]!) / 255;
    }
  }
  return out;
}
