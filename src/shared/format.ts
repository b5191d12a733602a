// Every number notation of the project, one function per kind of figure, shared by the CLI, the
// extension, the webviews and analysis (pure: no Node, no DOM), so that a count, a size or an
// accuracy reads the same in a terminal, a hover and a view. Names say what they print.

/** An exact count with thousands separators: `61,706`. */
export function exactCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count in short form with two decimals: `416.52 K`, `714.19 M`, `1.81 G`; exact below a thousand. */
export function compactCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(2)} K`;
  return String(n);
}

/** The exact count, with the short form after it once the count is long: `1,823,000 (1.82 M)`, `61,706`. */
export function exactCountWithCompact(n: number): string {
  return Math.abs(n) >= 1e6 ? `${exactCount(n)} (${compactCount(n)})` : exactCount(n);
}

/** Exact below a million, short above (where width is scarce, as in a table cell): `36,864`, `118.01 M`. */
export function exactOrCompactCount(n: number): string {
  return Math.abs(n) >= 1e6 ? compactCount(n) : exactCount(n);
}

/** A size in bytes in binary units, as memory is counted: `512 B`, `241.04 KiB`, `9.77 MiB`. */
export function byteSize(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(2)} KiB`;
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
