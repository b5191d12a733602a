import type { Comparison } from '../../../src/runs/compare';
import { curvesTable } from '../../../src/runs/compareTables';
import { toCsv } from '../../../src/shared/tableFormats';
import { rasterise } from '../../graph/exportImage';
import { exportBar, type Exporter } from '../exportBar';

// A chart as people take it elsewhere: SVG (the drawing with every colour and font written in,
// since the live one is styled by VS Code's theme variables, which mean nothing outside it), PNG
// (that SVG rasterised on a canvas, at twice its size) and CSV (the numbers of its series, from
// the comparison, not from the drawing). The view hands the result to its host, which copies or
// saves it.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The properties the chart's stylesheet sets, resolved and written on each element. */
const STYLE_PROPERTIES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-opacity', 'opacity',
  'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline', 'display',
] as const;

function inlineStyles(original: Element, copy: Element): void {
  const computed = getComputedStyle(original);
  // Through the CSSOM, which the webview's CSP allows (a style attribute set as text it refuses).
  const style = (copy as SVGElement).style;
  for (const p of STYLE_PROPERTIES) style.setProperty(p, computed.getPropertyValue(p));
  copy.removeAttribute('class');
  for (let i = 0; i < original.children.length; i++) inlineStyles(original.children[i]!, copy.children[i]!);
}

/** A standalone SVG document of a chart, at its design size, on the view's background. */
export function chartSvg(chart: SVGSVGElement): { text: string; width: number; height: number } {
  const [, , width = 520, height = 260] = (chart.getAttribute('viewBox') ?? '').split(/\s+/).map(Number);
  const copy = chart.cloneNode(true) as SVGSVGElement;
  inlineStyles(chart, copy);
  copy.style.removeProperty('max-width');
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(document.body).getPropertyValue('background-color') || 'white');
  copy.insertBefore(background, copy.firstChild);
  return { text: new XMLSerializer().serializeToString(copy), width, height };
}

/**
 * The SVG, PNG and CSV buttons of a chart. `name`: what the chart is (`loss`), for file names
 * and titles; `metrics`: the curves it draws, which its CSV holds.
 */
export function chartExportBar(chart: SVGSVGElement, c: Comparison, name: string, metrics: readonly string[], exporter: Exporter): HTMLElement {
  const what = `${name} chart`;
  const save = (format: 'svg' | 'png' | 'csv', data: string) => exporter({ format, data, suggestedName: `${name}.${format}`, to: 'file', what });
  return exportBar(name, what, [
    { id: 'svg', label: 'SVG', title: `Save the ${what} as SVG…`, run: () => save('svg', chartSvg(chart).text) },
    {
      id: 'png', label: 'PNG', title: `Save the ${what} as PNG…`,
      run: () => {
        const { text, width, height } = chartSvg(chart);
        void rasterise(text, width, height).then((png) => save('png', png));
      },
    },
    { id: 'csv', label: 'CSV', title: `Save the ${what}'s numbers as CSV…`, run: () => save('csv', toCsv(curvesTable(c, metrics))) },
  ]);
}
