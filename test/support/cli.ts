import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './paths';

// The `cnn-explorer` command as a user runs it: a process of its own, its exit code and what it
// printed. From the sources (through tsx) by default, so a test needs no build; `built` runs
// dist/cli.js, for tests whose runs start the bundled trainers.

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; built?: boolean }): Promise<CliResult> {
  const entry = opts.built
    ? [path.join(REPO_ROOT, 'dist', 'cli.js')]
    : ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(REPO_ROOT, 'src', 'cli', 'main.ts')];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: opts.cwd, env: opts.env ?? process.env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
