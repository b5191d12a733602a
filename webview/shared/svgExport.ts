// What every exported drawing (the graph, a chart) needs: the theme's computed colours and fonts
// written on each element, since the live drawing is styled by VS Code's CSS variables, which
// mean nothing outside it; and a PNG made by rasterising the SVG on a canvas.

/** The properties the views' stylesheets set on SVG, resolved and written on each element. */
const STYLE_PROPERTIES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-opacity', 'opacity',
  'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'display', 'visibility',
] as const;

/** Writes `original`'s computed styles on `clone` (its deep copy), element by element. */
export function inlineStyles(original: Element, clone: Element): void {
  const computed = getComputedStyle(original);
  // Through the CSSOM, which the webview's CSP allows (a style attribute set as text it refuses).
  const style = (clone as SVGElement).style;
  if (style) for (const p of STYLE_PROPERTIES) style.setProperty(p, computed.getPropertyValue(p));
  clone.removeAttribute('class');
  clone.removeAttribute('tabindex');
  clone.removeAttribute('role');
  const a = original.children;
  const b = clone.children;
  for (let i = 0; i < a.length && i < b.length; i++) inlineStyles(a[i]!, b[i]!);
}

/** Largest canvas side and area Chromium draws reliably. */
const MAX_SIDE = 16_000;
const MAX_AREA = 120e6;

/** PNG (base64, no data: prefix) of an SVG document, at `scale` where the canvas allows it. */
export async function rasterise(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const s = Math.min(scale, MAX_SIDE / width, MAX_SIDE / height, Math.sqrt(MAX_AREA / (width * height)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(width * s));
  canvas.height = Math.max(1, Math.floor(height * s));
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the drawing could not be rasterised'));
  });
  image.src = `data:image/svg+xml;base64,${utf8Base64(svgText)}`;
  await loaded;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas available');
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
