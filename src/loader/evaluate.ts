import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { withLocator } from '../dsl/callsite';
import { LocatedError } from '../dsl/errors';
import type { SourceRange } from '../dsl/ir';
import { DSL_GLOBAL, EXPORTS_GLOBAL, type Bundle } from './bundle';
import { callEnd, lineStarts } from './callRange';

const SCRIPT_NAME = 'cnn-explorer:model-bundle.js';

/** Maps positions in the bundle back to the user's TypeScript files. */
class SourceMapper {
  private readonly map: TraceMap;
  private readonly texts = new Map<string, { text: string; starts: number[] }>();

  constructor(bundle: Bundle, private readonly bundleDir: string) {
    this.map = new TraceMap(bundle.sourceMap);
    const sources = this.map.sources;
    const contents = this.map.sourcesContent ?? [];
    sources.forEach((src, i) => {
      const text = contents[i];
      if (src && text != null) this.texts.set(this.resolve(src), { text, starts: lineStarts(text) });
    });
  }

  private resolve(source: string): string {
    return path.resolve(this.bundleDir, source);
  }

  /** A range starting at the original position of bundle line/column (1-based), or null. */
  range(line: number, column: number): SourceRange | null {
    const pos = originalPositionFor(this.map, { line, column: column - 1 });
    if (pos.source == null || pos.line == null || pos.column == null) return null;
    const file = this.resolve(pos.source);
    if (file.endsWith('cnn-explorer')) return null; // the virtual DSL module
    const start = { line: pos.line, column: pos.column + 1 };
    const src = this.texts.get(file);
    const end = src ? callEnd(src.text, src.starts, start) : start;
    return { file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }

  /** The innermost frame of the model's code in a structured stack. */
  innermost(frames: NodeJS.CallSite[]): SourceRange | null {
    for (const f of frames) {
      if (f.getFileName() !== SCRIPT_NAME) continue;
      const line = f.getLineNumber(), column = f.getColumnNumber();
      if (line == null || column == null) continue;
      const r = this.range(line, column);
      if (r) return r;
    }
    return null;
  }

  /** The same, from a stack already formatted as text (errors made inside the sandbox). */
  innermostInText(stack: string): SourceRange | null {
    const frame = new RegExp(`${SCRIPT_NAME.replace(/[.:]/g, '\\$&')}:(\\d+):(\\d+)`, 'g');
    for (const m of stack.matchAll(frame)) {
      const r = this.range(Number(m[1]), Number(m[2]));
      if (r) return r;
    }
    return null;
  }
}

function structuredStack(): NodeJS.CallSite[] {
  const saved = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, frames) => frames;
  Error.stackTraceLimit = 64;
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, structuredStack);
    return holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = saved;
    Error.stackTraceLimit = savedLimit;
  }
}

export interface EvaluateOptions {
  entry: string;
  dsl: Record<string, unknown>;
  timeoutMs: number;
  /** Where `console.log` in a model file goes (dropped by default). */
  log?: (line: string) => void;
}

/** Runs the bundle in a fresh context with only the DSL in reach; returns its exports. */
export function evaluateBundle(bundle: Bundle, opts: EvaluateOptions): Record<string, unknown> {
  const mapper = new SourceMapper(bundle, path.dirname(opts.entry));
  const log = opts.log ?? (() => {});
  const print = (...args: unknown[]) => log(args.map(String).join(' '));
  const context = vm.createContext({
    [DSL_GLOBAL]: opts.dsl,
    console: { log: print, info: print, warn: print, error: print, debug: print },
  }, { codeGeneration: { strings: false, wasm: false } });
  const fileStart: SourceRange = { file: opts.entry, line: 1, column: 1, endLine: 1, endColumn: 1 };
  let script: vm.Script;
  try {
    script = new vm.Script(bundle.code, { filename: SCRIPT_NAME });
  } catch (err) {
    throw new LocatedError(`cannot compile the model file: ${(err as Error).message}`, fileStart);
  }
  try {
    withLocator(() => mapper.innermost(structuredStack()), () => {
      script.runInContext(context, { timeout: opts.timeoutMs });
    });
  } catch (err) {
    if (err instanceof LocatedError) throw err;
    const e = err as { code?: string; message?: string; name?: string } | null;
    if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new LocatedError(
        `evaluating the model file took longer than ${opts.timeoutMs / 1000} s and was stopped (an endless loop?)`,
        fileStart,
      );
    }
    const stack = e && typeof (e as { stack?: unknown }).stack === 'string' ? (e as { stack: string }).stack : '';
    const where = mapper.innermostInText(stack) ?? fileStart;
    const message = e && typeof e.message === 'string' ? `${e.name ?? 'Error'}: ${e.message}` : `uncaught ${String(err)}`;
    throw new LocatedError(message, where);
  }
  const exports = context[EXPORTS_GLOBAL] as Record<string, unknown> | undefined;
  return exports ? { ...exports } : {};
}
