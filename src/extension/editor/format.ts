import { formatNumber, formatShape } from '../../analysis/format';

// How the editor writes counts and pairs: `61,706`, `1.82 M`, `5×5`, `(-1.5, -1.5)`; shapes and
// coordinates are written as analysis writes them (one notation everywhere).

export { formatShape };

/** An integer with thousands separators: 61706 → `61,706`. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A count in short form: 1823000 → `1.82 M`; below 1000 as is. */
export function formatCompact(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [size, unit] of units) {
    if (Math.abs(n) >= size) return `${Number((n / size).toPrecision(3))} ${unit}`;
  }
  return String(n);
}

/** An exact count, with the short form after it once it is long: `1,823,000 (1.82 M)`. */
export function formatCount(n: number): string {
  return Math.abs(n) >= 1e6 ? `${formatInt(n)} (${formatCompact(n)})` : formatInt(n);
}

/** A count for a table cell: exact below a million, short above: `36,864`, `118 M`. */
export function formatCell(n: number): string {
  return Math.abs(n) >= 1e6 ? formatCompact(n) : formatInt(n);
}

/** `[5, 5]` → `5×5`, or a pair of coordinates `(-1.5, -1.5)`. */
export function formatPair(pair: readonly [number, number], coordinates = false): string {
  return coordinates ? `(${pair.map(formatNumber).join(', ')})` : pair.join('×');
}

/** Bytes in binary units: 4816 → `4.7 KiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? value : Number(value.toPrecision(3))} ${units[unit]}`;
}
