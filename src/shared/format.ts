// Number notations shared by the CLI, the extension and the webviews (pure: no Node, no DOM),
// so that a run's accuracy or a duration reads the same in a terminal and in a view.

export { withCommas } from '../analysis/table';

/** `97.36%`; `—` when unknown. Accuracies are fractions in the records. */
export function percent(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A difference of two accuracies in percentage points: `+1.23`, `−0.40`, `0.00`. */
export function points(delta: number, digits = 2): string {
  const s = (Math.abs(delta) * 100).toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return delta > 0 ? `+${s}` : `−${s}`;
}

/** A loss or the like with fixed decimals; `—` when unknown. */
export function decimal(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** `42s`, `3m 05s`, `1h 02m`. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
