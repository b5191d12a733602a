// Where the Python side of the torch engine (the cnn_explorer_torch package) is, and the
// environment a Python needs to run it: shared by the trainer's launcher and `evaluate`.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder that holds the cnn_explorer_torch package: `python/` at the extension's (or the repository's) root. */
export function pythonPackageRoot(): string {
  for (let dir = __dirname, up = 0; up < 5; up++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'python');
    if (fs.existsSync(path.join(candidate, 'cnn_explorer_torch', '__main__.py'))) return candidate;
  }
  throw new Error(`the Python trainer (python/cnn_explorer_torch) is missing near ${__dirname}: reinstall CNN Explorer`);
}

/** This process's environment with the package importable from `root`. */
export function pythonPackageEnv(root: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYTHONPATH: [root, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    // Every line as it is written, not when a block fills; no .pyc beside an installed extension.
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
}
