// Starting a program of the engine that runs in its own process or thread (the trainer, the
// batch worker): its bundle beside the caller's (dist/), or its TypeScript source under tsx
// when running from sources (tests, bench).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `dir/bundle` if it exists, else `dir/source` (TypeScript); `what` names it in the error. */
export function findProgram(dir: string, bundle: string, source: string, what: string): string {
  const bundled = path.join(dir, bundle);
  if (fs.existsSync(bundled)) return bundled;
  const sourceFile = path.join(dir, source);
  if (fs.existsSync(sourceFile)) return sourceFile;
  throw new Error(`${what} is missing (${bundled}): run \`npm run build\``);
}

/** tsx's packages are named through a variable, so the bundler leaves them alone. */
const TSX = 'tsx';

/** Node options for a child process running `file`: tsx's loader (by absolute URL) for TypeScript. */
export function processExecArgv(file: string): string[] {
  return file.endsWith('.ts') ? ['--import', pathToFileURL(require.resolve(TSX)).href] : [];
}

/**
 * A worker thread running `file`. A TypeScript source is required through tsx's CommonJS hook:
 * `--import` in a worker's execArgv does not reach its entry module (Node 20).
 */
export function startThread(file: string, options: WorkerOptions): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, options);
  const hook = require.resolve(`${TSX}/cjs`);
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(file)});`, { ...options, eval: true });
}
