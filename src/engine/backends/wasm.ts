// The `wasm` backend: @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD where the runtime has it)
// with our training kernels registered. Its .wasm binaries ship in the package, so it works
// wherever the package is installed; it is the default on machines without a usable GPU.

import * as tf from '@tensorflow/tfjs-core';
import { firstLine } from './tensorflow';
import type { ProbeResult } from './types';

export async function probeWasm(): Promise<ProbeResult> {
  try {
    const { registerWasmTrainingKernels } = await import('./wasm/register');
    registerWasmTrainingKernels();
    if (!(await tf.setBackend('wasm'))) throw new Error('initialisation failed');
  } catch (e) {
    return {
      ok: false,
      reason: `the wasm backend could not start: ${firstLine(e)}`,
      hint: 'reinstall CNN Explorer\'s dependencies (`npm install`): @tensorflow/tfjs-backend-wasm ships its .wasm files',
    };
  }
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  return { ok: true, detail: `XNNPACK, ${simd ? 'SIMD' : 'no SIMD'}, 1 thread` };
}
