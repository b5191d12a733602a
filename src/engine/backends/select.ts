// Chooses the tfjs backend for training: the fastest that works here, or the one asked for.
// Order for 'auto': tensorflow (tfjs-node-gpu, then tfjs-node) → webgpu (a hardware adapter) →
// wasm → cpu. Each probe makes its backend current on success; the reason says why each faster
// one was passed over, so the user sees it (and run.json records it). Native libraries (Dawn,
// the Vulkan loader and driver, TensorFlow's C++ logging) write to fd 2 themselves while they
// are probed; given a way to capture that, their lines become a note in the reason instead.

import * as tf from '@tensorflow/tfjs-core';
// A named import, not a bare one: bundlers drop a bare import of tfjs-backend-cpu (its
// package.json marks the node entry free of side effects), and with it the backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { probeTensorflow } from './tensorflow';
import { TFJS_BACKEND_NAMES, TFJS_BACKEND_PREFERENCES, type BackendPreference, type TfjsBackendName } from '../../shared/backends';
import { BackendError, type BackendChoice, type ProbeResult } from './types';
import { probeWasm } from './wasm/probe';
import { probeWebgpu } from './webgpu';

async function probeCpu(): Promise<ProbeResult> {
  if (!(await tf.setBackend('cpu'))) {
    return { ok: false, reason: 'the cpu backend could not start', hint: 'reinstall @tensorflow/tfjs-backend-cpu' };
  }
  return { ok: true, detail: `pure JavaScript, tfjs-backend-cpu ${version_cpu}` };
}

function probe(name: TfjsBackendName, forced: boolean): Promise<ProbeResult> {
  switch (name) {
    case 'tensorflow': return probeTensorflow();
    case 'webgpu': return probeWebgpu(forced);
    case 'wasm': return probeWasm();
    case 'cpu': return probeCpu();
  }
}

const WHY: Record<TfjsBackendName, string> = {
  tensorflow: 'TensorFlow native (tfjs-node)',
  webgpu: 'a WebGPU adapter was found',
  wasm: 'fastest CPU backend available',
  cpu: 'last resort (pure JavaScript, slow)',
};

/** Runs a probe and returns what the process's stderr received meanwhile, native code included. */
export type CaptureStderr = <T>(probe: () => Promise<T>) => Promise<{ value: T; output: string }>;

/**
 * What native code printed during a probe, as a short note for the reason: how many lines and
 * the last that says something (not a stack frame or a bare source location), without its
 * severity or logging prefix, shortened. The lines themselves stay where they were written (the
 * run's trainer.log). Null when nothing was printed.
 */
export function summariseNativeOutput(output: string, where: string | null = 'trainer.log'): string | null {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return null;
  const said = lines
    .filter((l) => !/^at /.test(l) && !/\.(cpp|cc|c|h|mm):\d+\)?$/.test(l))
    .map((l) => l
      .replace(/^[\d\-: .]*[IWEF] \S+\.(cc|cpp|h):\d+\] /, '') // TensorFlow's logging: time, severity, file:line]
      .replace(/^(warning|error|info)\s*:\s*/i, ''));
  const last = said.at(-1) ?? '';
  const quoted = last.length > 100 ? `${last.slice(0, 99)}…` : last;
  const count = `${lines.length} line${lines.length === 1 ? '' : 's'} of native output${where ? ` in ${where}` : ''}`;
  return quoted ? `${count}, the last: "${quoted}"` : count;
}

async function probeQuietly(name: TfjsBackendName, forced: boolean, capture?: CaptureStderr): Promise<ProbeResult> {
  const { value, output } = capture ? await capture(() => probe(name, forced)) : { value: await probe(name, forced), output: '' };
  // What a probe's child process printed joins the rest in trainer.log (after the capture, so
  // it is counted once); without a log it is only summarised.
  if (capture && value.nativeOutput) process.stderr.write(value.nativeOutput);
  const note = summariseNativeOutput(`${output}\n${value.nativeOutput ?? ''}`, capture ? 'trainer.log' : null);
  if (!note) return value;
  if (!value.ok) return { ...value, reason: `${value.reason} (${note})` };
  return { ...value, note: value.note ? `${value.note}; ${note}` : note };
}

/**
 * Makes the chosen backend current (tf.getBackend() returns it afterwards).
 * @param capture how to read back what native code prints on stderr during each probe (the
 *   trainer's, whose stderr is its run's trainer.log); without it, it goes where stderr goes.
 * @param passedOver for 'auto', why the starter passed over what comes before the tfjs backends
 *   (torch without a GPU, or without PyTorch): they lead the reason's list of what was skipped.
 * @throws BackendError when a forced backend cannot be used (with an install hint) or, for
 *   'auto', when none can.
 */
export async function selectBackend(
  preference: BackendPreference, log?: (line: string) => void, capture?: CaptureStderr, passedOver: readonly string[] = [],
): Promise<BackendChoice> {
  if (preference !== 'auto') {
    // torch is started as a trainer of its own (src/engine/torch/), never chosen in a tfjs process.
    if (preference === 'torch' || !TFJS_BACKEND_NAMES.includes(preference)) {
      throw new BackendError(`unknown tfjs backend '${String(preference)}': use ${TFJS_BACKEND_PREFERENCES.join(', ')}`);
    }
    const r = await probeQuietly(preference, true, capture);
    if (!r.ok) throw new BackendError(`backend '${preference}' is not available: ${r.reason}. To use it, ${r.hint}.`, preference);
    const choice: BackendChoice = { name: preference, reason: 'requested', detail: r.detail };
    if (r.note) choice.reason += ` (${r.note})`;
    log?.(describe(choice));
    return choice;
  }
  const skipped = [...passedOver];
  for (const name of TFJS_BACKEND_NAMES) {
    const r = await probeQuietly(name, false, capture);
    if (!r.ok) {
      skipped.push(`${name}: ${r.reason}`);
      log?.(`backend ${name} skipped: ${r.reason}`);
      continue;
    }
    const why = r.note ? `${WHY[name]} (${r.note})` : WHY[name];
    const reason = skipped.length ? `${why}; skipped ${skipped.join('; ')}` : why;
    const choice: BackendChoice = { name, reason, detail: r.detail };
    log?.(describe(choice));
    return choice;
  }
  throw new BackendError(`no tfjs backend could start: ${skipped.join('; ')}`);
}

export function describe(c: BackendChoice): string {
  return `backend ${c.name}${c.detail ? ` (${c.detail})` : ''}: ${c.reason}`;
}
