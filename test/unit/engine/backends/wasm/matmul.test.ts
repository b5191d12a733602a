// BatchMatMul on the wasm backend (src/engine/backends/wasm/matmul.ts) against the cpu backend.

import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameAsCpu, randomArray, rng, useWasmKernels } from './harness';

useWasmKernels();

test('BatchMatMul matches cpu with every transpose, rank 2 and 3, broadcast batch', async () => {
  const r = rng(15);
  const shapes: Array<[number[], number[]]> = [
    [[7, 5], [5, 3]], [[1, 7, 5], [1, 5, 3]], [[3, 7, 5], [3, 5, 3]], [[2, 7, 5], [1, 5, 3]], [[64, 400], [400, 120]],
    // A dense layer's input gradient dy · Wᵀ (transposeB), computed as (W · dyᵀ)ᵀ where that is cheaper.
    [[64, 120], [120, 400]], [[1, 64, 84], [1, 84, 120]],
  ];
  for (const [a, b] of shapes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const sa = tA ? [...a.slice(0, -2), a[a.length - 1]!, a[a.length - 2]!] : a;
        const sb = tB ? [...b.slice(0, -2), b[b.length - 1]!, b[b.length - 2]!] : b;
        await assertSameAsCpu('BatchMatMul',
          { a: { shape: sa, values: randomArray(r, tf.util.sizeFromShape(sa)) }, b: { shape: sb, values: randomArray(r, tf.util.sizeFromShape(sb)) } },
          { transposeA: tA, transposeB: tB }, `a ${sa} b ${sb} tA ${tA} tB ${tB}`);
      }
    }
  }
});
