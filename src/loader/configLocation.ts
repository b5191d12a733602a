// Finds where a dotted key of the `training` export is written, so that a bad value is reported
// at its place in the model file. A text scan of the object literal (strings, comments and
// nesting skipped with callRange's helpers) is enough: the training block is plain data.
import type { SourceRange } from '../dsl/ir';
import { lineStarts, matchBracket, positionOf, skipNonCode } from './callRange';

export type KeyPath = readonly (string | number)[];

interface Span { start: number; end: number }
interface Entry { key: Span; value: Span }

const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Skips whitespace and comments from i. */
function skipSpace(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) { i = skipNonCode(text, i); continue; }
    return i;
  }
}

/** End of one expression starting at i: stops before a ',' or a closing bracket at depth 0. */
function expressionEnd(text: string, i: number): number {
  let end = i;
  while (i < text.length) {
    const skipped = skipNonCode(text, i);
    if (skipped !== i) { i = end = skipped; continue; }
    const ch = text[i]!;
    if (ch in CLOSERS) { i = end = matchBracket(text, i, ch, CLOSERS[ch]!); continue; }
    if (ch === ',' || ch === '}' || ch === ']' || ch === ')' || ch === ';') break;
    i++;
    if (!/\s/.test(ch)) end = i;
  }
  return end;
}

/** The properties (or elements) of the object or array literal whose opening bracket is at `open`. */
function members(text: string, open: number): Map<string, Entry> {
  const isArray = text[open] === '[';
  const close = matchBracket(text, open, text[open]!, isArray ? ']' : '}') - 1;
  const out = new Map<string, Entry>();
  let i = open + 1;
  for (let index = 0; ; index++) {
    i = skipSpace(text, i);
    if (i >= close) break;
    if (isArray) {
      const end = expressionEnd(text, i);
      out.set(String(index), { key: { start: i, end }, value: { start: i, end } });
      i = end;
    } else {
      const keyStart = i;
      let key: string | null;
      if (text[i] === '"' || text[i] === "'") {
        i = skipNonCode(text, i);
        key = text.slice(keyStart + 1, i - 1);
      } else {
        while (i < close && /[\w$]/.test(text[i]!)) i++;
        key = i > keyStart ? text.slice(keyStart, i) : null;
      }
      const keyEnd = i;
      i = skipSpace(text, i);
      if (key !== null && text[i] === ':') {
        const valueStart = skipSpace(text, i + 1);
        const valueEnd = expressionEnd(text, valueStart);
        out.set(key, { key: { start: keyStart, end: keyEnd }, value: { start: valueStart, end: valueEnd } });
        i = valueEnd;
      } else {
        i = expressionEnd(text, i); // shorthand, spread or method: nothing to point into
      }
    }
    i = skipSpace(text, i);
    if (text[i] === ',') i++;
    else break;
  }
  return out;
}

/** The declaration `const training … =` (exported or not), and the start of its initialiser. */
function trainingDeclaration(text: string): { decl: Span; init: number } | null {
  const pattern = /(?:export\s+)?(?:const|let|var)\s+training\b/y;
  for (let i = 0; i < text.length;) {
    const skipped = skipNonCode(text, i);
    if (skipped !== i) { i = skipped; continue; }
    pattern.lastIndex = i;
    const m = (i === 0 || !/[\w$]/.test(text[i - 1]!)) ? pattern.exec(text) : null;
    if (!m) { i++; continue; }
    // Past the type annotation to '=' (no initialiser: a declaration only).
    let k = i + m[0].length;
    while (k < text.length && text[k] !== '=' && text[k] !== ';') {
      const s = skipNonCode(text, k);
      k = s !== k ? s : k + 1;
    }
    return { decl: { start: i, end: i + m[0].length }, init: text[k] === '=' ? skipSpace(text, k + 1) : -1 };
  }
  return null;
}

export interface ConfigLocator {
  /**
   * Where `path` is written: its value (or, with 'key', its key). When the path is not written
   * literally (a spread, a helper call), the deepest written ancestor; failing that the
   * `training` declaration; failing that the file's first line.
   */
  locate(path: KeyPath, part?: 'key' | 'value'): SourceRange;
}

export function trainingConfigLocator(file: string, text: string): ConfigLocator {
  const starts = lineStarts(text);
  const range = (span: Span): SourceRange => {
    const a = positionOf(starts, span.start);
    const b = positionOf(starts, Math.max(span.end, span.start));
    return { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  const declaration = trainingDeclaration(text);
  return {
    locate(path, part = 'value') {
      if (!declaration) return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
      let best: Span = declaration.decl;
      let at = declaration.init;
      for (let depth = 0; depth < path.length; depth++) {
        if (at < 0 || (text[at] !== '{' && text[at] !== '[')) break;
        const entry = members(text, at).get(String(path[depth]));
        if (!entry) break;
        best = part === 'key' && depth === path.length - 1 ? entry.key : entry.value;
        at = entry.value.start;
      }
      if (path.length === 0 && declaration.init >= 0) {
        best = { start: declaration.init, end: expressionEnd(text, declaration.init) };
      }
      return range(best);
    },
  };
}
