// Export of the whole drawing (not just what is in view) as a standalone SVG, and as PNG by
// rasterising that SVG on a canvas. The live drawing is styled by the theme's CSS variables,
// which mean nothing outside VS Code, so every exported element gets its computed colours and
// fonts written inline.

const STYLE_PROPERTIES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity',
  'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'display', 'visibility',
] as const;

function inlineStyles(original: Element, clone: Element): void {
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

/** A self-contained SVG document of the drawing at 1:1, `width` × `height` layout units. */
export function standaloneSvg(svg: SVGSVGElement, viewport: SVGGElement, width: number, height: number): string {
  const doc = document.implementation.createDocument('http://www.w3.org/2000/svg', 'svg', null);
  const out = doc.documentElement;
  out.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  out.setAttribute('width', String(Math.ceil(width)));
  out.setAttribute('height', String(Math.ceil(height)));
  out.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  const background = doc.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(svg).getPropertyValue('background-color') || 'white');
  out.append(background);
  const defs = svg.querySelector('defs');
  if (defs) {
    const copy = defs.cloneNode(true) as Element;
    inlineStyles(defs, copy);
    out.append(doc.importNode(copy, true));
  }
  const copy = viewport.cloneNode(true) as SVGGElement;
  inlineStyles(viewport, copy);
  copy.removeAttribute('transform');
  out.append(doc.importNode(copy, true));
  return new XMLSerializer().serializeToString(doc);
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
