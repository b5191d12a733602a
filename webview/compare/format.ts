// Numbers as the compare view writes them. Accuracies are fractions in the records.

export function percent(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A change of an accuracy in percentage points: `+1.23`, `−0.40`, `0.00`. */
export function points(delta: number, digits = 2): string {
  const s = (Math.abs(delta) * 100).toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return delta > 0 ? `+${s}` : `−${s}`;
}

export function decimal(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `42s`, `3m 05s`, `1h 02m`. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Short number for axis ticks: `0.5`, `1.2e-4`, `12k`. */
export function tick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}
