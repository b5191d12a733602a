import type { InsightImage, InsightMap } from '../../../src/shared/trainerProtocol';

// Test images, Grad-CAM and feature maps as canvases, drawn from the numbers the insight process
// sends (no image files: the page's CSP allows none, and the data is small). Canvases keep the
// data's own resolution; CSS scales them up, pixelated.

/** A colour for v in [0, 1]: dark blue → cyan → yellow → red, readable on light and dark themes. */
function heatColour(v: number): [number, number, number] {
  const stops: [number, number, number][] = [[30, 40, 130], [0, 170, 220], [250, 220, 40], [220, 30, 30]];
  const x = Math.max(0, Math.min(1, v)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i]!, stops[i + 1]!];
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

function canvasOf(width: number, height: number, className: string): { canvas: HTMLCanvasElement; pixels: ImageData; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.className = className;
  const ctx = canvas.getContext('2d')!;
  return { canvas, pixels: ctx.createImageData(width, height), ctx };
}

/** A test image ([h, w, c] bytes), with a map over it (Grad-CAM, the effective RF) blended in when given. */
export function imageCanvas(image: InsightImage, shape: [number, number, number], overlay: InsightMap | null = null, className = 'insight-image'): HTMLCanvasElement {
  const [h, w, c] = shape;
  const { canvas, pixels, ctx } = canvasOf(w, h, className);
  for (let i = 0; i < h * w; i++) {
    let rgb = c >= 3 ? [image.pixels[i * c]!, image.pixels[i * c + 1]!, image.pixels[i * c + 2]!] : [image.pixels[i * c]!, image.pixels[i * c]!, image.pixels[i * c]!];
    if (overlay) {
      // The heat covers the image in proportion to its strength: cold regions leave it visible.
      const v = overlay.values[i] ?? 0;
      const alpha = 0.25 + 0.45 * v;
      const heat = heatColour(v);
      rgb = rgb.map((g, k) => Math.round(g * (1 - alpha) + heat[k]! * alpha));
    }
    pixels.data.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], i * 4);
  }
  ctx.putImageData(pixels, 0, 0);
  return canvas;
}

/** A map alone, in the heat colours (the effective receptive field). */
export function heatCanvas(map: InsightMap, className: string): HTMLCanvasElement {
  const { canvas, pixels, ctx } = canvasOf(map.width, map.height, className);
  map.values.forEach((v, i) => {
    const [r, g, b] = heatColour(v);
    pixels.data.set([r, g, b, Math.round(255 * Math.min(1, 0.15 + v))], i * 4);
  });
  ctx.putImageData(pixels, 0, 0);
  return canvas;
}

/** One feature map in grey, scaled from its own minimum (black) to maximum (white). */
export function featureMapCanvas(map: InsightMap): HTMLCanvasElement {
  const { canvas, pixels, ctx } = canvasOf(map.width, map.height, 'feature-map');
  let lo = Infinity, hi = -Infinity;
  for (const v of map.values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi > lo ? hi - lo : 1;
  map.values.forEach((v, i) => {
    const g = Math.round(255 * (v - lo) / span);
    pixels.data.set([g, g, g, 255], i * 4);
  });
  ctx.putImageData(pixels, 0, 0);
  return canvas;
}
