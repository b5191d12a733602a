// Chooses the tfjs backend for training: the fastest that works here, or the one asked for.
// Order for 'auto': tensorflow (tfjs-node-gpu, then tfjs-node) → webgpu (a hardware adapter) →
// wasm → cpu. Each probe makes its backend current on success; the reason says why each faster
// one was passed over, so the user sees it (and run.json records it).

import * as tf from '@tensorflow/tfjs-core';
// A named import, not a bare one: bundlers drop a bare import of tfjs-backend-cpu (its
// package.json marks the node entry free of side effects), and with it the backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { probeTensorflow } from './tensorflow';
import { BACKEND_NAMES, BACKEND_PREFERENCES, type BackendName, type BackendPreference } from '../../shared/backends';
import { BackendError, type BackendChoice, type ProbeResult } from './types';
import { probeWasm } from './wasm/probe';
import { probeWebgpu } from './webgpu';

async function probeCpu(): Promise<ProbeResult> {
  if (!(await tf.setBackend('cpu'))) {
    return { ok: false, reason: 'the cpu backend could not start', hint: 'reinstall @tensorflow/tfjs-backend-cpu' };
  }
  return { ok: true, detail: `pure JavaScript, tfjs-backend-cpu ${version_cpu}` };
}

function probe(name: BackendName, forced: boolean): Promise<ProbeResult> {
  switch (name) {
    case 'tensorflow': return probeTensorflow();
    case 'webgpu': return probeWebgpu(forced);
    case 'wasm': return probeWasm();
    case 'cpu': return probeCpu();
  }
}

const WHY: Record<BackendName, string> = {
  tensorflow: 'TensorFlow native (tfjs-node)',
  webgpu: 'a WebGPU adapter was found',
  wasm: 'fastest CPU backend available',
  cpu: 'last resort (pure JavaScript, slow)',
};

/**
 * Makes the chosen backend current (tf.getBackend() returns it afterwards).
 * @throws BackendError when a forced backend cannot be used (with an install hint) or, for
 *   'auto', when none can.
 */
export async function selectBackend(preference: BackendPreference, log?: (line: string) => void): Promise<BackendChoice> {
  if (preference !== 'auto') {
    if (!BACKEND_NAMES.includes(preference)) {
      throw new BackendError(`unknown backend '${String(preference)}': use ${BACKEND_PREFERENCES.join(', ')}`);
    }
    const r = await probe(preference, true);
    if (!r.ok) throw new BackendError(`backend '${preference}' is not available: ${r.reason}. To use it, ${r.hint}.`, preference);
    const choice: BackendChoice = { name: preference, reason: 'requested', detail: r.detail };
    if (r.note) choice.reason += ` (${r.note})`;
    log?.(describe(choice));
    return choice;
  }
  const skipped: string[] = [];
  for (const name of BACKEND_NAMES) {
    const r = await probe(name, false);
    if (!r.ok) {
      skipped.push(`${name}: ${r.reason}`);
      log?.(`backend ${name} skipped: ${r.reason}`);
      continue;
    }
    const reason = skipped.length ? `${WHY[name]}; skipped ${skipped.join('; ')}` : WHY[name];
    const choice: BackendChoice = { name, reason, detail: r.detail };
    log?.(describe(choice));
    return choice;
  }
  throw new BackendError(`no tfjs backend could start: ${skipped.join('; ')}`);
}

export function describe(c: BackendChoice): string {
  return `backend ${c.name}${c.detail ? ` (${c.detail})` : ''}: ${c.reason}`;
}
