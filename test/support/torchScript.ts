import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { TorchPython } from '../../src/engine/torch/python';
import { REPO_ROOT } from './paths';

/**
 * Runs a Python script with torch (from torchPython(t)), with the project's python/ folder on
 * PYTHONPATH so it can import cnn_explorer_torch; returns its stdout. A failing script throws
 * with its stderr.
 */
export function runTorchScript(py: TorchPython, script: string, args: string[] = []): string {
  return execFileSync(py.python, ['-c', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python') },
    maxBuffer: 64 * 1024 * 1024,
  });
}
