// Export of the whole graph (not just what is in view) as a standalone SVG; its PNG is that SVG
// rasterised (webview/shared/svgExport.ts).
import { inlineStyles } from '../shared/svgExport';

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
