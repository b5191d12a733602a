// Maps positions in a model's bundle back to the user's TypeScript. Pure: it runs inside the
// evaluation realm, where the DSL asks it where each call was made.
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { SourceRange } from '../dsl/ir';
import { callEnd, lineStarts } from './callRange';
import { MODEL_SCRIPT } from './realmApi';

const FRAME = new RegExp(`${MODEL_SCRIPT.replace(/[.:]/g, '\\$&')}:(\\d+):(\\d+)`, 'g');

export class SourceMapper {
  private readonly map: TraceMap;
  /** Per source as the map resolves it: the file (null for the virtual `cnn-explorer` module) and its text. */
  private readonly sources = new Map<string, { file: string; text?: string; starts?: number[] } | null>();

  /** `files[i]` is the absolute path of the map's `sources[i]`, or null for a virtual module. */
  constructor(sourceMap: string, files: readonly (string | null)[]) {
    this.map = new TraceMap(sourceMap);
    const contents = this.map.sourcesContent ?? [];
    this.map.resolvedSources.forEach((src, i) => {
      const file = files[i] ?? null;
      const text = contents[i] ?? undefined;
      this.sources.set(src, file === null ? null : text == null ? { file } : { file, text, starts: lineStarts(text) });
    });
  }

  /** Ranges by bundle position: a call in a loop or a helper is located once. */
  private readonly ranges = new Map<string, SourceRange | null>();

  /** A range starting at the original position of bundle line/column (1-based), or null. */
  range(line: number, column: number): SourceRange | null {
    const key = `${line}:${column}`;
    let r = this.ranges.get(key);
    if (r === undefined) this.ranges.set(key, r = this.locate(line, column));
    return r && { ...r };
  }

  private locate(line: number, column: number): SourceRange | null {
    const pos = originalPositionFor(this.map, { line, column: column - 1 });
    if (pos.source == null || pos.line == null || pos.column == null) return null;
    const src = this.sources.get(pos.source);
    if (!src) return null;
    const start = { line: pos.line, column: pos.column + 1 };
    const end = src.text !== undefined ? callEnd(src.text, src.starts!, start) : start;
    return { file: src.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }

  /** The first of bundle positions (line, column, line, column, …) that maps to a user's file. */
  innermostOf(positions: readonly number[]): SourceRange | null {
    for (let i = 0; i + 1 < positions.length; i += 2) {
      const r = this.range(positions[i]!, positions[i + 1]!);
      if (r) return r;
    }
    return null;
  }

  /** The innermost frame of the model's code in a stack formatted as text. */
  innermost(stack: string): SourceRange | null {
    for (const m of stack.matchAll(FRAME)) {
      const r = this.range(Number(m[1]), Number(m[2]));
      if (r) return r;
    }
    return null;
  }
}
