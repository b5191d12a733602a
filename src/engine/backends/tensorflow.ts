// The `tensorflow` backend: TensorFlow's C library through @tensorflow/tfjs-node-gpu (CUDA) or
// @tensorflow/tfjs-node (CPU). Neither can be a dependency: their install script downloads
// libtensorflow from outside the npm registry. They are found at run time when a user has
// installed them, with a plain require, never a static import (the bundle keeps them external).
//
// Version pairing: tfjs-node depends on `@tensorflow/tfjs` at its own exact version, which
// brings its own tfjs-core. When that version matches ours, npm dedupes it to the one tfjs-core
// instance we use and tfjs-node's 'tensorflow' backend is registered in it. When it does not,
// tfjs-node registers the backend in its private copy of tfjs-core, invisible to our models:
// that case is detected (the backend is missing from our registry after the require) and
// reported with the exact version to install.

import * as tf from '@tensorflow/tfjs-core';
import { firstLine, resolvePackage, TFJS_NODE_PACKAGES } from './nativePackages';
import type { ProbeResult } from './types';

export { firstLine } from './nativePackages';

function installHint(): string {
  return `install it next to CNN Explorer with \`npm install @tensorflow/tfjs-node@${tf.version_core}\` ` +
    `(CPU) or \`npm install @tensorflow/tfjs-node-gpu@${tf.version_core}\` (CUDA 11.2 + cuDNN 8.1); ` +
    'the version must equal the tfjs-core version CNN Explorer uses so that both share one tfjs-core';
}

/** Loads the first installed tfjs-node package and makes 'tensorflow' the current backend. */
export async function probeTensorflow(): Promise<ProbeResult> {
  const problems: string[] = [];
  for (const name of TFJS_NODE_PACKAGES) {
    const found = resolvePackage(name);
    if (!found) continue;
    try {
      found.req(name);
    } catch (e) {
      problems.push(`${name}@${found.version} failed to load: ${firstLine(e)}`);
      continue;
    }
    if (!tf.findBackendFactory('tensorflow')) {
      problems.push(`${name}@${found.version} registered its backend in its own copy of tfjs-core ` +
        `(ours is ${tf.version_core}), so our models cannot use it`);
      continue;
    }
    try {
      if (!(await tf.setBackend('tensorflow'))) throw new Error('initialisation failed');
    } catch (e) {
      problems.push(`${name}@${found.version}: ${firstLine(e)}`);
      continue;
    }
    return { ok: true, detail: `${name}@${found.version}` };
  }
  return {
    ok: false,
    reason: problems.length ? problems.join('; ') : 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed',
    hint: installHint(),
  };
}
