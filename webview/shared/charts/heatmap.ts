import { svg, tip } from '../dom';

// A heatmap of signed values with a diverging scale: positive cells in one theme colour,
// negative in another, opacity by magnitude (set through the CSSOM: the CSP allows no inline
// style attributes). Cells large enough to matter carry their value as text.

export interface HeatmapOptions {
  title: string;
  rowLabels: string[];
  colLabels: string[];
  rowTitle: string;
  colTitle: string;
  values: number[][];
  /** The magnitude shown at full colour (values beyond it are clipped). */
  maxAbs: number;
  format: (v: number) => string;
  describe: (row: number, col: number, v: number) => string;
  /** Values below this magnitude get no text (and read as "no change"). */
  labelThreshold?: number;
}

const CELL = 34;

export function heatmap(o: HeatmapOptions): SVGSVGElement {
  const left = 56;
  const top = 34;
  const width = left + o.colLabels.length * CELL + 8;
  const height = top + o.rowLabels.length * CELL + 8;
  const root = svg('svg', { class: 'chart heatmap', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': o.title });
  // Scale with the view, but never blow a small chart up beyond a quarter over its design size.
  root.style.maxWidth = `${Math.round(width * 1.25)}px`;
  root.append(
    svg('text', { class: 'axis-label', x: left + (o.colLabels.length * CELL) / 2, y: 10 }, o.colTitle),
    svg('text', { class: 'axis-label', transform: `translate(10 ${top + (o.rowLabels.length * CELL) / 2}) rotate(-90)` }, o.rowTitle));
  o.colLabels.forEach((c, j) => root.append(svg('text', { class: 'tick x', x: left + j * CELL + CELL / 2, y: top - 6 }, c)));
  o.rowLabels.forEach((r, i) => {
    root.append(svg('text', { class: 'tick y', x: left - 6, y: top + i * CELL + CELL / 2 }, r));
    o.colLabels.forEach((_, j) => {
      const v = o.values[i]?.[j] ?? 0;
      const strength = o.maxAbs > 0 ? Math.min(1, Math.abs(v) / o.maxAbs) : 0;
      const cell = svg('rect', {
        class: `cell ${v > 0 ? 'pos' : v < 0 ? 'neg' : 'zero'}${i === j ? ' diagonal' : ''}`,
        'data-row': i, 'data-col': j, 'data-value': v,
        x: left + j * CELL, y: top + i * CELL, width: CELL - 1, height: CELL - 1,
      }, tip(o.describe(i, j, v)));
      cell.style.fillOpacity = String(v === 0 ? 1 : 0.15 + 0.85 * strength);
      root.append(cell);
      if (Math.abs(v) >= (o.labelThreshold ?? 0)) {
        root.append(svg('text', { class: `cell-label${strength > 0.6 ? ' strong' : ''}`, x: left + j * CELL + CELL / 2, y: top + i * CELL + CELL / 2 }, o.format(v)));
      }
    });
  });
  return root;
}
