// Finding tfjs-node without loading it: whether @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node
// is installed where CNN Explorer looks (beside its bundle, or in the working directory). The
// tensorflow backend's probe loads what this finds; the starter's engine choice asks only
// whether it is there (no tfjs in the process that starts runs).
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** require() as seen from this file (src/ or dist/) and from the working directory. */
function requirers(): NodeJS.Require[] {
  const bases = [typeof __filename === 'string' ? __filename : undefined, path.join(process.cwd(), 'index.js')];
  return bases.filter((b): b is string => !!b).map((b) => createRequire(b));
}

export function resolvePackage(name: string): { req: NodeJS.Require; version: string } | undefined {
  for (const req of requirers()) {
    try {
      const pkg = req(`${name}/package.json`) as { version?: string };
      return { req, version: pkg.version ?? '?' };
    } catch {
      // not installed where this require looks; try the next place
    }
  }
  return undefined;
}

/** The tfjs-node package that is installed here, the GPU one first; null when neither is. */
export function installedTfjsNode(): { name: string; version: string } | null {
  for (const name of TFJS_NODE_PACKAGES) {
    const found = resolvePackage(name);
    if (found) return { name, version: found.version };
  }
  return null;
}

export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}
