import { line, scaleLinear } from 'd3';
import { svg, tip } from '../dom';
import { axisTick } from '../../../src/shared/format';
import { downsampleM4 } from '../../../src/shared/downsample';

// A line chart of several series on shared axes, as SVG. Made for runs: each series carries a
// colour class (its run) and a dash (what it measures: train, validation, test), so the same run
// has the same colour in every chart. Points get markers with native tooltips, so a one-epoch
// run still shows and every value can be read. A line is drawn through at most four points per
// pixel column (M4, src/shared/downsample.ts): a per-step curve of 100,000 steps draws as fast as
// one of a thousand, redrawn every second while its run trains, and keeps its spikes.

export type Dash = 'solid' | 'dashed' | 'dotted';

export interface LineSeries {
  /** Colour class, e.g. `run-1`. */
  colourClass: string;
  dash: Dash;
  points: [number, number][];
  /** Tooltip text for a point. */
  describe: (p: [number, number]) => string;
  /** Thin and faint (per-step curves under the epoch ones); no markers. */
  faint?: boolean;
  /** data-* attributes on the path (tests and styling find series by them). */
  data?: Record<string, string>;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  yFormat: (v: number) => string;
  /** Fixed y range (accuracy: up to 1); otherwise fitted to the data. */
  yDomain?: [number, number];
  width?: number;
  height?: number;
}

const M = { top: 10, right: 12, bottom: 34, left: 52 };

export function lineChart(o: LineChartOptions): SVGSVGElement {
  const width = o.width ?? 520;
  const height = o.height ?? 260;
  // Loops, not Math.max(...xs): spreading 100,000 points overflows the call stack.
  let [xMin, xMax, yLo, yHi] = [0, 1, Infinity, -Infinity];
  for (const s of o.series) {
    for (const [px, py] of s.points) {
      if (px < xMin) xMin = px;
      if (px > xMax) xMax = px;
      if (py < yLo) yLo = py;
      if (py > yHi) yHi = py;
    }
  }
  let [yMin, yMax] = o.yDomain ?? [yLo, yHi];
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMin === yMax) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const x = scaleLinear().domain([xMin, xMax]).range([M.left, width - M.right]);
  const y = scaleLinear().domain([yMin, yMax]).nice().range([height - M.bottom, M.top]);

  const root = svg('svg', {
    class: 'chart line-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': o.title,
  });
  // Scale with the view, but never blow a small chart up beyond a quarter over its design size.
  root.style.maxWidth = `${Math.round(width * 1.25)}px`;
  const grid = svg('g', { class: 'grid' });
  for (const t of y.ticks(5)) {
    grid.append(
      svg('line', { x1: M.left, x2: width - M.right, y1: y(t), y2: y(t) }),
      svg('text', { x: M.left - 6, y: y(t), class: 'tick y' }, o.yFormat(t)),
    );
  }
  // Integer epochs on the x axis (fractional ticks would suggest half epochs were evaluated).
  const xTicks = x.ticks(Math.min(8, Math.max(1, Math.ceil(xMax - xMin)))).filter((t) => Number.isInteger(t));
  for (const t of xTicks) grid.append(svg('text', { x: x(t), y: height - M.bottom + 14, class: 'tick x' }, axisTick(t)));
  root.append(grid,
    svg('line', { class: 'axis', x1: M.left, x2: width - M.right, y1: height - M.bottom, y2: height - M.bottom }),
    svg('line', { class: 'axis', x1: M.left, x2: M.left, y1: M.top, y2: height - M.bottom }),
    svg('text', { class: 'axis-label', x: (M.left + width - M.right) / 2, y: height - 4 }, o.xLabel),
    svg('text', { class: 'axis-label', transform: `translate(12 ${(M.top + height - M.bottom) / 2}) rotate(-90)` }, o.yLabel));

  const path = line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
  const columns = Math.round(width - M.left - M.right);
  // Faint series first, so the epoch curves are drawn over them.
  const ordered = [...o.series].sort((a, b) => Number(!!b.faint) - Number(!!a.faint));
  for (const s of ordered) {
    if (!s.points.length) continue;
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.data ?? {})) data[`data-${k}`] = v;
    const g = svg('g', { class: `series ${s.colourClass} dash-${s.dash}${s.faint ? ' faint' : ''}`, ...data });
    g.append(svg('path', { class: 'line', d: path(downsampleM4(s.points, columns, xMin, xMax)) ?? '' }));
    if (!s.faint) {
      for (const p of s.points) g.append(svg('circle', { class: 'marker', cx: x(p[0]), cy: y(p[1]), r: 2.5 }, tip(s.describe(p))));
    }
    root.append(g);
  }
  return root;
}
