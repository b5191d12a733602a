// M4 downsampling of a curve (after Jugel et al., "M4: A Visualization-Oriented Time Series
// Data Aggregation", VLDB 2014): of the points that fall in one pixel column, a line drawn
// through the first, the lowest, the highest and the last covers the same pixels as one drawn
// through all of them. So a curve of 100,000 steps draws as a few points per column and a
// one-step loss spike still shows, which bucket means would flatten. Pure: the host (per-step
// curves in a comparison) and the charts (per pixel column) use the same function.

export type Point = [number, number];

/**
 * Splits [x0, x1] into `columns` equal columns and keeps, of each run of consecutive points
 * that fall in one column, the first, lowest, highest and last, in their order. For points in x
 * order (a curve) that is at most 4 × `columns` points, with the first and last point kept
 * exactly; points out of order cost at most four points per run, never a wrong line. One pass.
 * Points outside [x0, x1] count in the nearest edge column.
 */
export function downsampleM4(points: readonly Point[], columns: number, x0?: number, x1?: number): Point[] {
  const n = points.length;
  const cols = Math.max(1, Math.floor(columns));
  if (n <= 4 * cols) return points.slice();
  const lo = x0 ?? points[0]![0];
  const span = (x1 ?? points[n - 1]![0]) - lo;
  const perUnit = span > 0 && Number.isFinite(span) ? cols / span : 0;
  const columnOf = (x: number): number => {
    const c = Math.floor((x - lo) * perUnit);
    return Number.isFinite(c) ? Math.min(cols - 1, Math.max(0, c)) : 0;
  };

  const out: Point[] = [];
  let column = columnOf(points[0]![0]);
  let first = 0;
  let min = 0;
  let max = 0;
  let last = 0;
  const flush = () => {
    // The four in index order, each once (a column of one point is one point).
    const kept = [first, min, max, last].sort((a, b) => a - b);
    for (let k = 0; k < 4; k++) if (k === 0 || kept[k] !== kept[k - 1]) out.push(points[kept[k]!]!);
  };
  for (let i = 1; i < n; i++) {
    const p = points[i]!;
    const c = columnOf(p[0]);
    if (c !== column) {
      flush();
      column = c;
      first = min = max = last = i;
      continue;
    }
    last = i;
    if (p[1] < points[min]![1]) min = i;
    if (p[1] > points[max]![1]) max = i;
  }
  flush();
  return out;
}
