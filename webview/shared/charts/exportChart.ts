import type { Comparison } from '../../../src/runs/compare';
import { curvesTable, METRIC_LABELS } from '../../../src/runs/compareTables';
import { toCsv } from '../../../src/shared/tableFormats';
import { tr } from '../../../src/shared/l10n/translate';
import { inlineStyles, rasterise } from '../svgExport';
import { exportBar, type Exporter } from '../exportBar';

// A chart as people take it elsewhere: SVG (the drawing with every colour and font written in,
// since the live one is styled by VS Code's theme variables, which mean nothing outside it, with
// its title and a legend of its lines), PNG
// (that SVG rasterised on a canvas, at twice its size) and CSV (the numbers of its series, from
// the comparison, not from the drawing). The view hands the result to its host, which copies or
// saves it.

const SVG_NS = 'http://www.w3.org/2000/svg';

const TITLE_HEIGHT = 24;
const LEGEND_ROW = 16;
const LEGEND_COLUMNS = 2;
const MAX_NAME = 28;

function svgNode(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One entry per line drawn (run and curve), with its colour and dash as drawn. */
function legendEntries(chart: SVGSVGElement, c: Comparison): { label: string; line: Element }[] {
  const seen = new Set<string>();
  const out: { label: string; line: Element; run: number; faint: boolean }[] = [];
  for (const g of chart.querySelectorAll('g.series')) {
    const run = Number(g.getAttribute('data-run'));
    const metric = g.getAttribute('data-metric') ?? '';
    const line = g.querySelector('.line');
    const key = `${run} ${metric}`;
    if (!line || seen.has(key) || !c.runs[run]) continue;
    seen.add(key);
    const name = c.runs[run]!.name ?? c.runs[run]!.id;
    // A legend column is half the chart wide: a long name is cut, its curve kept.
    const label = `#${run + 1} ${name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name} · ${METRIC_LABELS[metric] ?? metric}`;
    out.push({ label, line, run, faint: g.classList.contains('faint') });
  }
  // By run; within a run, its epoch curves in the chart's order, then the per-step ones (drawn first, underneath).
  return out.sort((a, b) => a.run - b.run || Number(a.faint) - Number(b.faint));
}

/**
 * A standalone SVG document of a chart, at its design size, on the view's background: its
 * `title` above it and a legend (which run and curve each line is) below, as the view shows them
 * around it.
 */
function chartSvg(chart: SVGSVGElement, c: Comparison, title: string): { text: string; width: number; height: number } {
  const [, , width = 520, height = 260] = (chart.getAttribute('viewBox') ?? '').split(/\s+/).map(Number);
  const copy = chart.cloneNode(true) as SVGSVGElement;
  inlineStyles(chart, copy);
  copy.style.removeProperty('max-width');
  copy.setAttribute('y', String(TITLE_HEIGHT));
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const entries = legendEntries(chart, c);
  const legendHeight = Math.ceil(entries.length / LEGEND_COLUMNS) * LEGEND_ROW + (entries.length ? 8 : 0);
  const total = TITLE_HEIGHT + height + legendHeight;
  const text = chart.querySelector('text');
  const font = text ? getComputedStyle(text) : getComputedStyle(document.body);
  const ink = font.getPropertyValue('fill') || 'black';
  const out = svgNode('svg', { xmlns: SVG_NS, width, height: total, viewBox: `0 0 ${width} ${total}` });
  out.append(
    svgNode('rect', { width: '100%', height: '100%', fill: getComputedStyle(document.body).getPropertyValue('background-color') || 'white' }),
    svgNode('text', { x: 8, y: 16, fill: ink, 'font-family': font.getPropertyValue('font-family'), 'font-size': 13, 'font-weight': 600 }, title),
    copy);
  entries.forEach(({ label, line }, i) => {
    const x = 12 + (i % LEGEND_COLUMNS) * (width / LEGEND_COLUMNS);
    const y = TITLE_HEIGHT + height + 4 + Math.floor(i / LEGEND_COLUMNS) * LEGEND_ROW + LEGEND_ROW / 2;
    const drawn = getComputedStyle(line);
    out.append(
      svgNode('line', {
        x1: x, x2: x + 24, y1: y, y2: y, stroke: drawn.getPropertyValue('stroke'), 'stroke-width': 2,
        'stroke-dasharray': drawn.getPropertyValue('stroke-dasharray'), 'stroke-opacity': drawn.getPropertyValue('stroke-opacity'),
      }),
      svgNode('text', { x: x + 30, y, fill: ink, 'font-family': font.getPropertyValue('font-family'), 'font-size': 11, 'dominant-baseline': 'middle' }, label));
  });
  return { text: new XMLSerializer().serializeToString(out), width, height: total };
}

/**
 * The SVG, PNG and CSV buttons of a chart. `name`: what the chart is (`loss`), for file names
 * and titles; `metrics`: the curves it draws, which its CSV holds.
 */
export function chartExportBar(chart: SVGSVGElement, c: Comparison, name: string, title: string, metrics: readonly string[], exporter: Exporter): HTMLElement {
  const what = tr('{0} chart', name);
  const save = (format: 'svg' | 'png' | 'csv', data: string) => exporter({ format, data, suggestedName: `${name}.${format}`, to: 'file', what });
  return exportBar(name, what, [
    { id: 'svg', label: 'SVG', title: tr('Save the {0} as SVG…', what), run: () => save('svg', chartSvg(chart, c, title).text) },
    {
      id: 'png', label: 'PNG', title: tr('Save the {0} as PNG…', what),
      run: () => {
        const { text, width, height } = chartSvg(chart, c, title);
        void rasterise(text, width, height).then((png) => save('png', png));
      },
    },
    { id: 'csv', label: 'CSV', title: tr("Save the {0}'s numbers as CSV…", what), run: () => save('csv', toCsv(curvesTable(c, metrics))) },
  ]);
}
