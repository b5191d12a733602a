// Numbers as the compare view writes them: the project's notations (src/shared/format.ts), and
// the charts' axis ticks, which only the compare view draws. Accuracies are fractions in the records.

export { decimal, duration, exactCount, learningRate, percent, points } from '../../src/shared/format';

/** Short number for axis ticks: `0.5`, `1.2e-4`, `12k`. */
export function tick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}
