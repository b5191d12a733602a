// The probe of the `wasm` backend (select.ts calls it): starts @tensorflow/tfjs-backend-wasm
// (XNNPACK, SIMD where the runtime has it) with our training kernels registered (register.ts). Its .wasm binaries ship in the package, so it works
// wherever the package is installed; it is the default on machines without a usable GPU.
// It runs XNNPACK on every core (threads.ts); CNN_EXPLORER_WASM_THREADS=N asks for N.

import * as tf from '@tensorflow/tfjs-core';
import { firstLine } from '../tensorflow';
import type { ProbeResult } from '../types';

/** Threads asked for by CNN_EXPLORER_WASM_THREADS, else every core. */
function wantedThreads(defaultThreads: number): number {
  const n = Number(process.env.CNN_EXPLORER_WASM_THREADS);
  return Number.isInteger(n) && n >= 1 ? n : defaultThreads;
}

let threadedFor: number | null = null;
let threadsUnavailable: string | null = null;

/**
 * Replaces the package's 'wasm' factory by one that starts the threaded build; on failure the
 * package's own (single-threaded) factory comes back and the reason is kept for the detail.
 */
async function startThreaded(threads: number): Promise<boolean> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { createThreadedModule, unrefWorkers } = await import('./threads');
  const original = tf.findBackendFactory('wasm');
  if (!original) throw new Error('@tensorflow/tfjs-backend-wasm did not register its backend');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', async () => {
    const module = await createThreadedModule(threads);
    const backend = new wasm.BackendWasm(module as never);
    unrefWorkers(module);
    return backend;
  }, 2);
  try {
    if (await tf.setBackend('wasm')) return true;
    threadsUnavailable = 'the threaded build did not start';
  } catch (e) {
    threadsUnavailable = firstLine(e);
  }
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', original, 2);
  return false;
}

export async function probeWasm(): Promise<ProbeResult> {
  try {
    const { registerWasmTrainingKernels } = await import('./register');
    const { defaultThreads } = await import('./threads');
    await registerWasmTrainingKernels();
    const threads = wantedThreads(defaultThreads());
    const threaded = threads > 1 && threadedFor !== threads && await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
      ? await startThreaded(threads) : false;
    if (threaded) threadedFor = threads;
    if (!(await tf.setBackend('wasm'))) throw new Error('initialisation failed');
  } catch (e) {
    return {
      ok: false,
      reason: `the wasm backend could not start: ${firstLine(e)}`,
      hint: 'reinstall CNN Explorer\'s dependencies (`npm install`): @tensorflow/tfjs-backend-wasm ships its .wasm files',
    };
  }
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const n = Math.max(1, getThreadsCount());
  const why = n === 1 && threadsUnavailable ? ` (threads unavailable: ${threadsUnavailable})` : '';
  const assembler = (await import('./simdAssembler')).simdAssemblerProblem();
  const kernels = assembler ? `, without its SIMD training kernels (wabt: ${assembler})` : '';
  return { ok: true, detail: `XNNPACK, ${simd ? 'SIMD' : 'no SIMD'}, ${n} thread${n === 1 ? '' : 's'}${why}${kernels}` };
}
