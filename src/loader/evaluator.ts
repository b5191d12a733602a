// The evaluation process (bundled as dist/modelEvaluator.js): evaluates model bundles one at a
// time, each in a fresh realm, under the memory limit the loader starts it with. Its messages
// are data.
import type * as Esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as vm from 'node:vm';
import { findProgram } from '../engine/programs';
import { checkImportsRefused, evaluateBundle, type EvaluationJob } from './evaluate';
import { REALM_SCRIPT, type RealmOutcome } from './realmApi';

/**
 * A job; `translations` comes with the first job and whenever the caller's table changed (a
 * realm is fresh each time, but this process keeps the last table it was sent).
 */
export type ToEvaluator = Omit<EvaluationJob, 'translations'> & { id: number; translations?: string };
export type FromEvaluator =
  | { type: 'ready' }
  /** `heapUsed`: this process's heap after the evaluation, in bytes. */
  | { type: 'done'; id: number; outcome: RealmOutcome; heapUsed: number }
  | { type: 'failed'; id: number; message: string };

/** realm.ts as one script: its bundle beside this program's, or built from the sources (tests). */
function realmProgram(): string {
  const file = findProgram(__dirname, 'modelRealm.js', 'realm.ts', 'the model realm');
  if (!file.endsWith('.ts')) return fs.readFileSync(file, 'utf8');
  // Only from sources: a bundled evaluator does not load esbuild (it starts sooner).
  const esbuild = createRequire(__filename)('esbuild') as typeof Esbuild;
  return esbuild.buildSync({ entryPoints: [file], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'silent' })
    .outputFiles[0]!.text;
}

const send = (m: FromEvaluator) => process.send!(m);
checkImportsRefused();
const realmScript = new vm.Script(realmProgram(), { filename: REALM_SCRIPT });

// Model code cannot reach this process's objects, but a rejection it leaves unhandled would be
// described here (util.inspect runs hooks the value carries): such rejections are dropped.
process.on('unhandledRejection', () => {});

/** The caller's language and table, as the last job that carried them sent them. */
let translations = '{}';

process.on('message', (job: ToEvaluator) => {
  let reply: FromEvaluator;
  translations = job.translations ?? translations;
  try {
    const outcome = evaluateBundle(realmScript, { ...job, translations });
    reply = { type: 'done', id: job.id, outcome, heapUsed: process.memoryUsage().heapUsed };
  } catch (err) {
    reply = { type: 'failed', id: job.id, message: err instanceof Error ? err.stack ?? err.message : 'unknown failure' };
  }
  try {
    send(reply);
  } catch {
    // The outcome held something that is not data (a realm's program tampered with by model code).
    send({ type: 'done', id: job.id, outcome: {
      ok: false, message: "the model file's exports are not plain data", log: [],
      location: { file: job.entry, line: 1, column: 1, endLine: 1, endColumn: 1 },
    }, heapUsed: process.memoryUsage().heapUsed });
  }
});
// The loader ending (or dying) ends this process too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
