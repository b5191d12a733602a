import type { Pair } from '../dsl/ir';
import { exactCount, isApproximateCount, plainNumber } from '../shared/format';
import type { ReceptiveField, Shape } from './types';

// The short notations analysis uses in messages and tables, in one place so that the CLI,
// diagnostics and tests all agree on them.

/** `28×28×6`, `400`, or `?` when unknown; a size past 2^53 (flattening an absurd input) as `≈1.00e27`. */
export function formatShape(shape: Shape | null | undefined): string {
  return shape ? shape.map((d) => (isApproximateCount(d) ? exactCount(d) : String(d))).join('×') : '?';
}

/** `5×5` (always both axes: a size reads as an area). */
export function formatSize(p: Pair): string {
  return `${p[0]}×${p[1]}`;
}

/** `2`, or `2,3` when the axes differ (strides, jumps and starts). */
export function formatPairShort(p: Pair): string {
  return p[0] === p[1] ? plainNumber(p[0]) : `${plainNumber(p[0])},${plainNumber(p[1])}`;
}

/** `5×5 /1 @2`: size, jump (`/`), start (`@`). */
export function formatField(rf: ReceptiveField | null): string {
  return rf ? `${formatSize(rf.size)} /${formatPairShort(rf.jump)} @${formatPairShort(rf.start)}` : '—';
}

/** A point in input coordinates: `(-1.5, -1.5)`. */
export function formatPoint(p: Pair): string {
  return `(${plainNumber(p[0])}, ${plainNumber(p[1])})`;
}
