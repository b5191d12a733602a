// Finds where a call expression ends, given where V8 says it starts, in the original TypeScript.
// A small scanner suffices: skip the callee and optional type arguments, then match parentheses
// while stepping over strings, template literals and comments.

export interface Position { line: number; column: number } // 1-based

function offsetOf(text: string, lineStarts: number[], pos: Position): number {
  return (lineStarts[pos.line - 1] ?? text.length) + pos.column - 1;
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function positionOf(lineStartsArr: number[], offset: number): Position {
  let lo = 0, hi = lineStartsArr.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStartsArr[mid]! <= offset) lo = mid; else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStartsArr[lo]! + 1 };
}

/** Skips a string, template or comment starting at i; returns the index after it, or i. */
export function skipNonCode(text: string, i: number): number {
  const ch = text[i];
  if (ch === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); return e < 0 ? text.length : e; }
  if (ch === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); return e < 0 ? text.length : e + 2; }
  if (ch === '"' || ch === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== ch && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (ch === '`') {
    let j = i + 1;
    while (j < text.length && text[j] !== '`') {
      if (text[j] === '\\') j += 2;
      else if (text[j] === '$' && text[j + 1] === '{') j = matchBracket(text, j + 1, '{', '}');
      else j++;
    }
    return j + 1;
  }
  return i;
}

/** Index after the bracket that closes the one at `open`. */
export function matchBracket(text: string, open: number, o: string, c: string): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const skipped = skipNonCode(text, i);
    if (skipped !== i) { i = skipped; continue; }
    const ch = text[i];
    if (ch === o) depth++;
    else if (ch === c && --depth === 0) return i + 1;
    i++;
  }
  return text.length;
}

/** The range of the call starting at `start` (at its callee), or an empty range there. */
export function callEnd(text: string, starts: number[], start: Position): Position {
  let i = offsetOf(text, starts, start);
  while (i < text.length && /[\w$.]/.test(text[i]!)) i++;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] === '<') i = matchBracket(text, i, '<', '>');
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] !== '(') return start;
  return positionOf(starts, matchBracket(text, i, '(', ')'));
}
