// The SIMD kernels' assembler (src/engine/backends/wasm/simdAssembler.ts) works on this machine.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '../../../../../src/engine/backends/wasm/heap';
import { simdAvailable } from '../../../../../src/engine/backends/wasm/simdAssembler';
import { useWasmKernels } from './harness';

useWasmKernels();

test('the SIMD kernels are assembled on this machine (so the tests below check them, not the fallbacks)', () => {
  assert.ok(simdAvailable(tf.backend() as unknown as BackendWasm), 'wabt loaded and this Node runs wasm SIMD');
});
