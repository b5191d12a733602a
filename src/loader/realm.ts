// The first program of every evaluation realm (the node:vm context a model file runs in),
// bundled as a script of its own (dist/modelRealm.js). It builds the DSL inside the realm, so
// every function and object model code can reach was made there: any constructor chain ends at
// the realm's own Function, which cannot compile strings. The realm is given nothing of the
// host: its inputs are strings, console output is kept here as strings, and `finish()` hands the
// run back as plain data. Pure: no Node, no host object.
import * as dsl from '../dsl/index';
import { setLocator } from '../dsl/callsite';
import { useTranslations } from '../shared/l10n/translate';
import { LocatedError } from '../dsl/errors';
import type { SourceRange } from '../dsl/ir';
import {
  DSL_GLOBAL, EXPORTS_GLOBAL, FILES_GLOBAL, MODEL_SCRIPT, REALM_GLOBAL, SOURCE_MAP_GLOBAL, THROWN_GLOBAL, TRANSLATIONS_GLOBAL, type RealmApi,
  type RealmOutcome,
} from './realmApi';
import { SourceMapper } from './sourceMap';

type Bag = Record<string, unknown>;
const realm = globalThis as unknown as Bag;

// Intrinsics as they are before model code runs (it may replace the globals; these stay).
const RealmError = Error;
const { defineProperty, keys } = Object;
const { isArray } = Array;
const stringOf = String;

const sourceMap = String(realm[SOURCE_MAP_GLOBAL] ?? '');
const files = JSON.parse(String(realm[FILES_GLOBAL] ?? '[]')) as (string | null)[];
delete realm[SOURCE_MAP_GLOBAL];
delete realm[FILES_GLOBAL];
// The DSL's argument errors are raised here, so they read in the host's language: the realm's
// own copy of the table (parsed here, the host's object never enters).
const translations = JSON.parse(String(realm[TRANSLATIONS_GLOBAL] ?? '{}')) as { language?: string; table?: Record<string, string> };
delete realm[TRANSLATIONS_GLOBAL];
useTranslations(translations.table ?? {}, translations.language ?? 'en');
let mapper: SourceMapper | null = null;
const mapped = () => (mapper ??= new SourceMapper(sourceMap, files));

// Stacks are formatted by the engine's default, never by a function model code installs (the
// host would call it with its own objects), except while the locator reads one: then by its
// own formatter, which keeps only the model's frames' positions (cheaper than text).
interface Frame { getFileName(): string | null | undefined; getLineNumber(): number | null; getColumnNumber(): number | null }
let formatter: ((error: unknown, frames: Frame[]) => number[]) | undefined;
defineProperty(RealmError, 'prepareStackTrace', { get: () => formatter, set: () => {}, configurable: false });
defineProperty(realm, 'Error', { value: RealmError, writable: false, configurable: false });

function modelFrames(_error: unknown, frames: Frame[]): number[] {
  const out: number[] = [];
  for (const f of frames) {
    if (f.getFileName() !== MODEL_SCRIPT) continue;
    const line = f.getLineNumber(), column = f.getColumnNumber();
    if (line != null && column != null) out.push(line, column);
  }
  return out;
}

/** Where model code called the DSL: its innermost frame that maps to a file of the user's. */
function here(): SourceRange | null {
  const limit = RealmError.stackTraceLimit;
  RealmError.stackTraceLimit = 64;
  formatter = modelFrames;
  let positions: unknown;
  try {
    positions = new RealmError().stack;
  } finally {
    formatter = undefined;
    RealmError.stackTraceLimit = limit;
  }
  return isArray(positions) ? mapped().innermostOf(positions as number[]) : null;
}

setLocator(here);

// Memory outside the JavaScript heap is beyond the evaluation process's heap limit, and callbacks
// the engine runs later are beyond the time limit: neither is offered.
for (const name of [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'WebAssembly', 'FinalizationRegistry', 'WeakRef',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]) delete realm[name];

const LOG_LIMIT = 1 << 20;
const log: string[] = [];
let logged = 0;
function print(...args: unknown[]): void {
  if (logged > LOG_LIMIT) return;
  const line = args.map((a) => stringOf(a)).join(' ');
  logged += line.length;
  log.push(logged > LOG_LIMIT ? '… (more console output dropped)' : line);
}
realm.console = { log: print, info: print, warn: print, error: print, debug: print };

// `import(x)` with a computed name (a literal one is refused by the bundler): the evaluation
// process asks here for the error to reject it with, so that it is the realm's own, located at
// the call; the evaluation fails even if model code catches it.
let refused: LocatedError | null = null;
function refuseImport(specifier: string): LocatedError {
  const err = new LocatedError(
    `import of '${specifier}' is not allowed in a model file: only 'cnn-explorer' and relative .ts files can be imported`,
    here(),
  );
  refused ??= err;
  return err;
}

/** A copy made of arrays, plain objects and primitives only (shared parts stay shared). */
function plain(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return stringOf(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = plain(value[i], seen);
    return out;
  }
  const out: Bag = {};
  seen.set(value, out);
  for (const key of keys(value)) {
    const v = plain((value as Bag)[key], seen);
    if (key === '__proto__') defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}

function failure(thrown: unknown): { message: string; location: SourceRange | null } {
  if (thrown instanceof LocatedError) return { message: stringOf(thrown.message), location: plain(thrown.location, new Map()) as SourceRange | null };
  const e = thrown as { stack?: unknown; message?: unknown; name?: unknown } | null;
  const isObject = e !== null && (typeof e === 'object' || typeof e === 'function');
  const stack = isObject && typeof e.stack === 'string' ? e.stack : '';
  let message: string;
  try {
    message = isObject && typeof e.message === 'string' ? `${stringOf(e.name ?? 'Error')}: ${e.message}` : `uncaught ${stringOf(thrown)}`;
  } catch {
    message = 'uncaught exception';
  }
  return { message, location: mapped().innermost(stack) };
}

function finish(): RealmOutcome {
  const logged = [...log];
  if (THROWN_GLOBAL in realm) return { ok: false, ...failure(realm[THROWN_GLOBAL]), log: logged };
  if (refused) return { ok: false, ...failure(refused), log: logged };
  try {
    const exports = (realm[EXPORTS_GLOBAL] ?? {}) as Bag;
    const entries = keys(exports).map((name): [string, unknown] => [name, exports[name]]);
    return { ok: true, exports: plain(entries, new Map()) as [string, unknown][], log: logged };
  } catch (err) {
    return { ok: false, ...failure(err), log: logged };
  }
}

defineProperty(realm, DSL_GLOBAL, { value: dsl, writable: false, configurable: false });
const api: RealmApi = Object.freeze({ finish, refuseImport });
defineProperty(realm, REALM_GLOBAL, { value: api, writable: false, configurable: false });
