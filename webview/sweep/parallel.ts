import { axisLeft, brushY, interpolateRgb, line, scaleLinear, scaleLog, scalePoint, select, type ScaleContinuousNumeric, type ScalePoint } from 'd3';
import { axisTick } from '../../src/shared/format';
import { tr } from '../../src/shared/l10n/translate';
import { svg, tip } from '../shared/dom';
import type { Brush, Column, SweepModel } from './model';

// The parallel-coordinates chart: one vertical axis per column of the model, one polyline per
// run. Each axis carries a d3 brush; moving it reports a Brush in the column's values (the model
// filters). Lines outside the filter are dimmed, not removed, so the shape of the whole sweep
// stays visible. Colours come from the theme (CSS variables read at draw time).

const HEIGHT = 320;
const MARGIN = { top: 44, right: 48, bottom: 16, left: 48 };
const BRUSH_HALF_WIDTH = 10;

type AxisScale = { kind: 'numeric'; y: ScaleContinuousNumeric<number, number> } | { kind: 'point'; y: ScalePoint<string> };

function axisScale(column: Column, bottom: number, top: number): AxisScale {
  if (column.scale === 'point') return { kind: 'point', y: scalePoint<string>().domain(column.categories).range([bottom, top]).padding(0.5) };
  let [lo, hi] = column.domain ?? [0, 1];
  if (column.scale === 'log') {
    if (lo === hi) { lo /= 2; hi *= 2; }
    return { kind: 'numeric', y: scaleLog().domain([lo, hi]).range([bottom, top]) };
  }
  if (lo === hi) { const pad = Math.abs(lo) * 0.1 || 1; lo -= pad; hi += pad; }
  return { kind: 'numeric', y: scaleLinear().domain([lo, hi]).range([bottom, top]) };
}

function position(scale: AxisScale, cell: number | string | null): number | null {
  if (cell === null) return null;
  if (scale.kind === 'point') return scale.y(String(cell)) ?? null;
  return typeof cell === 'number' ? scale.y(cell) : null;
}

/** The brush's pixel extent [y0, y1] (top to bottom) as values of the column. */
function brushInValues(scale: AxisScale, y0: number, y1: number): Brush {
  if (scale.kind === 'point') return { kind: 'set', values: scale.y.domain().filter((c) => { const y = scale.y(c)!; return y >= y0 && y <= y1; }) };
  const a = scale.y.invert(y0);
  const b = scale.y.invert(y1);
  return { kind: 'range', lo: Math.min(a, b), hi: Math.max(a, b) };
}

/**
 * A brush's values as a pixel extent [y0, y1] on the axis (top to bottom, within [top, bottom]),
 * or null where it covers nothing there: the inverse of brushInValues. A set covers its
 * categories' points and half a step around them.
 */
function brushInPixels(scale: AxisScale, brush: Brush, top: number, bottom: number): [number, number] | null {
  let ys: number[];
  let pad = 0;
  if (scale.kind === 'point') {
    if (brush.kind !== 'set') return null;
    ys = brush.values.map((v) => scale.y(v)).filter((y): y is number => y !== undefined);
    pad = scale.y.step() / 2;
  } else {
    if (brush.kind !== 'range') return null;
    ys = [scale.y(brush.lo), scale.y(brush.hi)].filter((y) => Number.isFinite(y));
  }
  if (ys.length === 0) return null;
  const y0 = Math.max(top, Math.min(...ys) - pad);
  const y1 = Math.min(bottom, Math.max(...ys) + pad);
  return y1 > y0 ? [y0, y1] : null;
}

/** A sweep's few values are its ticks (lr 0.001, 0.003, 0.01…); else powers of ten on a log axis, round numbers on a linear one. */
const MAX_VALUE_TICKS = 8;
function numericTicks(y: ScaleContinuousNumeric<number, number>, column: Column, cells: readonly (number | string | null)[]): number[] {
  const values = [...new Set(cells.filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
  if (values.length <= MAX_VALUE_TICKS) return values;
  if (column.scale === 'log') {
    const powers = y.ticks().filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
    if (powers.length >= 2) return powers;
  }
  return y.ticks(6);
}

export interface ParallelChartEvents {
  onBrush(columnKey: string, brush: Brush | null): void;
  onOpen(runId: string): void;
}

export class ParallelChart {
  readonly element = svg('svg', { class: 'parallel', role: 'img' });
  private lines: SVGPathElement[] = [];

  constructor(private readonly events: ParallelChartEvents) {}

  /**
   * Draws the model, `width` pixels wide, lines coloured by `colourColumn`, with `brushes` (by
   * column key, in the columns' values) put back on their axes: a redraw (new runs, a resize,
   * another colour) keeps what the user brushed. A brush whose column is gone, or that no longer
   * covers any position on its axis, is reported cleared.
   */
  draw(model: SweepModel, width: number, colourColumn: number, brushes: ReadonlyMap<string, Brush>): void {
    const root = this.element;
    root.replaceChildren();
    root.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    root.setAttribute('width', String(width));
    root.setAttribute('height', String(HEIGHT));
    root.setAttribute('aria-label', tr('{0} runs on {1} axes', model.rows.length, model.columns.length));
    const bottom = HEIGHT - MARGIN.bottom;
    const x = scalePoint<number>().domain(model.columns.map((_, c) => c)).range([MARGIN.left, width - MARGIN.right]);
    const scales = model.columns.map((col) => axisScale(col, bottom, MARGIN.top));
    const colour = this.colourOf(model, colourColumn);

    const linesGroup = svg('g', { class: 'lines' });
    const path = line<[number, number | null]>().defined(([, y]) => y !== null).x(([px]) => px).y(([, y]) => y!);
    this.lines = model.rows.map((row) => {
      const points = row.cells.map((cell, c): [number, number | null] => [x(c)!, position(scales[c]!, cell)]);
      const p = svg('path', { class: 'line', d: path(points) ?? '', 'data-run-id': row.id }, tip(row.label));
      p.style.stroke = colour(row.cells[colourColumn] ?? null);
      p.addEventListener('click', () => this.events.onOpen(row.id));
      return p;
    });
    linesGroup.append(...this.lines);
    root.append(linesGroup);

    model.columns.forEach((col, c) => {
      const scale = scales[c]!;
      const g = svg('g', { class: 'axis', transform: `translate(${x(c)},0)`, 'data-column': col.key });
      const axis = scale.kind === 'point' ? axisLeft(scale.y)
        : axisLeft(scale.y).tickValues(numericTicks(scale.y, col, model.rows.map((r) => r.cells[c]!))).tickFormat((v) => axisTick(Number(v)));
      select(g).call(axis as never);
      const title = svg('text', { class: 'axis-title', y: MARGIN.top - 18, 'text-anchor': 'middle' }, col.label);
      g.append(title);
      const brushGroup = svg('g', { class: 'brush' });
      g.append(brushGroup);
      const brush = brushY<unknown>().extent([[-BRUSH_HALF_WIDTH, MARGIN.top], [BRUSH_HALF_WIDTH, bottom]])
        .on('brush end', (event: { selection: [number, number] | null }) => {
          this.events.onBrush(col.key, event.selection ? brushInValues(scale, event.selection[0], event.selection[1]) : null);
        });
      select(brushGroup).call(brush as never);
      root.append(g);
      const kept = brushes.get(col.key);
      if (kept) {
        const extent = brushInPixels(scale, kept, MARGIN.top, bottom);
        if (extent) select(brushGroup).call(brush.move as never, extent);
        else this.events.onBrush(col.key, null);
      }
    });
    for (const key of [...brushes.keys()]) {
      if (!model.columns.some((col) => col.key === key)) this.events.onBrush(key, null);
    }
  }

  /** Dims the lines of runs the filter leaves out. */
  showFiltered(visible: ReadonlySet<number>): void {
    this.lines.forEach((p, i) => {
      const dim = !visible.has(i);
      if (p.classList.contains('dim') !== dim) p.classList.toggle('dim', dim);
    });
  }

  /** Low to high values of the column between two theme colours (reversed where lower is better). */
  private colourOf(model: SweepModel, c: number): (cell: number | string | null) => string {
    const style = getComputedStyle(this.element.ownerDocument.body);
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const worse = read('--sweep-worse', '#f14c4c');
    const better = read('--sweep-better', '#3794ff');
    const none = read('--sweep-none', '#888888');
    const column = model.columns[c];
    if (!column?.domain) return () => none;
    const [lo, hi] = column.domain;
    const mix = interpolateRgb(worse, better);
    return (cell) => {
      if (typeof cell !== 'number') return none;
      const t = hi === lo ? 1 : (cell - lo) / (hi - lo);
      return mix(column.higherIsBetter === false ? 1 - t : t);
    };
  }
}
