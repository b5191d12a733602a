import { scaleBand, scaleLinear } from 'd3';
import { svg, tip } from '../dom';

// Grouped bars: one group per category (a class), one bar per series (a run) in its colour.
// Bars grow from zero, so the same component shows values (0…1) and signed deltas (a symmetric
// range around a zero line).

export interface BarSeries {
  colourClass: string;
  values: (number | null)[];
  describe: (group: number, value: number) => string;
  data?: Record<string, string>;
}

export interface GroupedBarsOptions {
  title: string;
  groups: string[];
  series: BarSeries[];
  domain: [number, number];
  yFormat: (v: number) => string;
  yLabel: string;
  width?: number;
  height?: number;
}

const M = { top: 10, right: 10, bottom: 30, left: 52 };

export function groupedBars(o: GroupedBarsOptions): SVGSVGElement {
  const width = o.width ?? Math.max(420, 60 + o.groups.length * Math.max(36, 14 * o.series.length));
  const height = o.height ?? 220;
  const x = scaleBand<number>().domain(o.groups.map((_, i) => i)).range([M.left, width - M.right]).paddingInner(0.2).paddingOuter(0.1);
  const inner = scaleBand<number>().domain(o.series.map((_, i) => i)).range([0, x.bandwidth()]).padding(0.08);
  const y = scaleLinear().domain(o.domain).nice().range([height - M.bottom, M.top]);
  const zero = y(Math.max(o.domain[0], Math.min(0, o.domain[1])));

  const root = svg('svg', { class: 'chart bars', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': o.title });
  // Scale with the view, but never blow a small chart up beyond a quarter over its design size.
  root.style.maxWidth = `${Math.round(width * 1.25)}px`;
  const grid = svg('g', { class: 'grid' });
  for (const t of y.ticks(5)) {
    grid.append(svg('line', { x1: M.left, x2: width - M.right, y1: y(t), y2: y(t) }), svg('text', { x: M.left - 6, y: y(t), class: 'tick y' }, o.yFormat(t)));
  }
  root.append(grid,
    svg('text', { class: 'axis-label', transform: `translate(12 ${(M.top + height - M.bottom) / 2}) rotate(-90)` }, o.yLabel));
  o.groups.forEach((name, g) => {
    const gx = x(g)!;
    root.append(svg('text', { class: 'tick x', x: gx + x.bandwidth() / 2, y: height - M.bottom + 14 }, name));
    o.series.forEach((s, k) => {
      const v = s.values[g];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const data: Record<string, string> = { 'data-group': String(g) };
      for (const [key, val] of Object.entries(s.data ?? {})) data[`data-${key}`] = val;
      const top = y(v);
      root.append(svg('rect', {
        class: `bar ${s.colourClass}${v < 0 ? ' negative' : ''}`, ...data,
        x: gx + inner(k)!, width: inner.bandwidth(), y: Math.min(top, zero), height: Math.max(1, Math.abs(zero - top)),
      }, tip(s.describe(g, v))));
    });
  });
  root.append(svg('line', { class: 'axis', x1: M.left, x2: width - M.right, y1: zero, y2: zero }));
  return root;
}
