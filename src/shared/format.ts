// Every number notation of the project, one function per kind of figure, shared by the CLI, the
// extension, the webviews and analysis (pure: no Node, no DOM), so that a count, a size or an
// accuracy reads the same in a terminal, a hover and a view. Names say what they print.

/**
 * Whether a count may have lost digits: past 2^53 a float64 holds only the nearest of several
 * integers, so its digits look exact and are not.
 */
export function isApproximateCount(n: number): boolean {
  return Math.abs(n) > Number.MAX_SAFE_INTEGER;
}

/** `3.00e19`: three significant digits and the power of ten, for counts too long to read. */
function scientific(n: number): string {
  return n.toExponential(2).replace('e+', 'e');
}

/**
 * An exact count with thousands separators: `61,706`; a count past 2^53, which a float64 cannot
 * hold exactly, is marked approximate instead of printing digits it does not have: `≈3.00e19`.
 */
export function exactCount(n: number): string {
  return isApproximateCount(n) ? `≈${scientific(n)}` : n.toLocaleString('en-US');
}

/** A count in short form with two decimals: `416.52 K`, `714.19 M`, `1.81 G`, `2.50 T`, then `3.00e19`; exact below a thousand. */
export function compactCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e15) return scientific(n);
  if (abs >= 1e12) return `${(n / 1e12).toFixed(2)} T`;
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(2)} K`;
  return String(n);
}

/** The exact count, with the short form after it once the count is long: `1,823,000 (1.82 M)`, `61,706`. */
export function exactCountWithCompact(n: number): string {
  return Math.abs(n) >= 1e6 && !isApproximateCount(n) ? `${exactCount(n)} (${compactCount(n)})` : exactCount(n);
}

/** Exact below a million, short above (where width is scarce, as in a table cell): `36,864`, `118.01 M`. */
export function exactOrCompactCount(n: number): string {
  return Math.abs(n) >= 1e6 ? compactCount(n) : exactCount(n);
}

const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;

/**
 * A size in bytes in binary units, as memory is counted: `512 B`, `241.04 KiB`, `9.77 MiB`,
 * up to `YiB`; past that, `1.00e30 B`.
 */
export function byteSize(n: number): string {
  for (let i = BINARY_UNITS.length; i >= 1; i--) {
    if (n < 2 ** (10 * i)) continue;
    if (i === BINARY_UNITS.length && n >= 2 ** (10 * i) * 1024) return `${scientific(n)} B`;
    return `${(n / 2 ** (10 * i)).toFixed(2)} ${BINARY_UNITS[i - 1]}`;
  }
  return `${n} B`;
}

/** A number as people write it, to three decimals at most: `2`, `0.5`, `-1.5`, `0.333`. */
export function plainNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** A fraction as a percentage: `97.36%`; `—` when unknown. Accuracies are fractions in the records. */
export function percent(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A difference of two accuracies in percentage points: `+1.23`, `−0.40`, `0.00`. */
export function points(delta: number, digits = 2): string {
  const s = (Math.abs(delta) * 100).toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return delta > 0 ? `+${s}` : `−${s}`;
}

/** A learning rate, to two significant digits: `0.001`, `0.00025`, `1.5e-7`; `—` when unknown. */
export function learningRate(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(2)));
}

/** A loss or the like with fixed decimals: `0.0123`; `—` when unknown. */
export function decimal(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** A duration in seconds: `42s`, `3m 05s`, `1h 02m`; `—` when unknown. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A chart's axis tick, short: `0.5`, `1.2e-4`, `12k`. */
export function axisTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}
