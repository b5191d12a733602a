// Runs a model's bundle in a fresh evaluation realm: a node:vm context whose global object has no
// prototype and holds nothing of the host, where realm.ts builds the DSL first. Runs on the
// evaluation process (evaluator.ts); what it returns is plain data.
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { SourceRange } from '../dsl/ir';
import type { Bundle } from './bundle';
import {
  FILES_GLOBAL, MODEL_SCRIPT, REALM_GLOBAL, SOURCE_MAP_GLOBAL, THROWN_GLOBAL, TRANSLATIONS_GLOBAL, type RealmApi, type RealmOutcome,
} from './realmApi';

export interface EvaluationJob {
  bundle: Bundle;
  /** The model file (absolute): errors without a better place point at its start. */
  entry: string;
  timeoutMs: number;
  /** The caller's display language and its table (`{}` for English), as JSON `{ language, table }`. */
  translations: string;
}

const finishScript = new vm.Script(`globalThis.${REALM_GLOBAL}.finish()`, { filename: 'cnn-explorer:finish.js' });

/** The absolute file of each source in the bundle's map; null for the virtual `cnn-explorer` module. */
function sourceFiles(bundle: Bundle, bundleDir: string): (string | null)[] {
  const sources = (JSON.parse(bundle.sourceMap) as { sources?: string[] }).sources ?? [];
  return sources.map((s) => {
    const file = path.resolve(bundleDir, s);
    return file.endsWith('cnn-explorer') ? null : file;
  });
}

type ImportHook = (specifier: string) => never;

/** The realm whose scripts are running (evaluations take turns). */
let running: RealmApi | null = null;

/**
 * Node keeps a script's import hook for as long as the process lives: the hook must not hold
 * the realm, or every realm would be kept. So all scripts share this one.
 */
const refuseImport: ImportHook = (specifier) => {
  if (!running) throw 'import() is not allowed in a model file';
  throw running.refuseImport(String(specifier));
};

/**
 * A script whose `import()` calls are refused with an error `refuse` makes. Without this hook
 * Node rejects them with an error of its own realm (a way out of the sandbox); with it, only on
 * a process started with --experimental-vm-modules (`checkImportsRefused`).
 */
function compile(code: string, filename: string, refuse: ImportHook): vm.Script {
  return new vm.Script(code, { filename, importModuleDynamically: refuse } as vm.ScriptOptions);
}

/** Throws unless this process calls the import hook (see `compile`). */
export function checkImportsRefused(): void {
  let called = false;
  const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
  const probe = compile("import('probe').catch(() => {})", 'cnn-explorer:probe.js', () => {
    called = true;
    throw 'refused';
  });
  probe.runInContext(context);
  if (!called) throw new Error('import() in model files cannot be refused in this process (start it with --experimental-vm-modules)');
}

function timedOut(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/** Evaluates one bundle; `realmScript` is realm.ts's program, compiled once per process. */
export function evaluateBundle(realmScript: vm.Script, job: EvaluationJob): RealmOutcome {
  const fileStart: SourceRange = { file: job.entry, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const fail = (message: string): RealmOutcome => ({ ok: false, message, location: fileStart, log: [] });
  const tooLong = () => fail(`evaluating the model file took longer than ${job.timeoutMs / 1000} s and was stopped (an endless loop?)`);
  // No prototype: a context's global object falls back to it, and an ordinary object's
  // `constructor` would be the host's Object (and its Function).
  const global = Object.create(null) as Record<string, unknown>;
  global[SOURCE_MAP_GLOBAL] = job.bundle.sourceMap;
  global[FILES_GLOBAL] = JSON.stringify(sourceFiles(job.bundle, path.dirname(job.entry)));
  global[TRANSLATIONS_GLOBAL] = job.translations;
  // Promise callbacks run right after each script, inside its time limit (by default they would
  // run after it, on this process's own queue, with no limit).
  const context = vm.createContext(global, { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
  realmScript.runInContext(context, { timeout: job.timeoutMs });
  running = global[REALM_GLOBAL] as RealmApi;
  try {
    return run(job, global, context, fail, tooLong);
  } finally {
    running = null;
  }
}

function run(job: EvaluationJob, global: Record<string, unknown>, context: vm.Context, fail: (message: string) => RealmOutcome, tooLong: () => RealmOutcome): RealmOutcome {
  let script: vm.Script;
  try {
    script = compile(job.bundle.code, MODEL_SCRIPT, refuseImport);
  } catch (err) {
    return fail(`cannot compile the model file: ${(err as Error).message}`);
  }
  try {
    script.runInContext(context, { timeout: job.timeoutMs });
  } catch (err) {
    if (timedOut(err)) return tooLong();
    global[THROWN_GLOBAL] = err; // the realm's own value, described by the realm
  }
  try {
    return finishScript.runInContext(context, { timeout: job.timeoutMs }) as RealmOutcome;
  } catch (err) {
    if (timedOut(err)) return tooLong();
    return fail('reading the model file\'s exports failed');
  }
}
