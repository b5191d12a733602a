// Matrix multiply on the wasm backend. Its BatchMatMul kernel runs XNNPACK (SIMD, packed
// weights) only for the plain case, one matrix each and no transposes; every transposed case
// falls to a naive loop, many times slower (bench/README.md). Dense-layer gradients are exactly
// those transposed cases,
// so BatchMatMul is replaced by a version that transposes an operand in JS first and then takes
// the fast path (for a · bᵀ, whichever of the two ways moves less data).

import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, f32, free, type BackendWasm } from './heap';

let fastKernel: KernelFunc | undefined;

/** Remembers the backend's own BatchMatMul (the XNNPACK one) before it is replaced. */
export function setBaseMatMul(kernel: KernelFunc): void {
  fastKernel = kernel;
}

/** a [m, k] · b [k, n] → new tensor [1, m, n], on XNNPACK. Inputs may be views. */
export function matmul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  if (!fastKernel) throw new Error('wasm training kernels are not registered');
  const a3 = { dataId: a.dataId, dtype: a.dtype, shape: [1, a.shape[a.shape.length - 2]!, a.shape[a.shape.length - 1]!] };
  const b3 = { dataId: b.dataId, dtype: b.dtype, shape: [1, b.shape[b.shape.length - 2]!, b.shape[b.shape.length - 1]!] };
  return fastKernel({ inputs: { a: a3, b: b3 }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
}

/** Writes the transpose of src ([rows, cols]) into dst ([cols, rows]), in cache-sized tiles. */
export function transpose2d(src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        let s = r * cols + c0;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[s++]!;
      }
    }
  }
}

/** A new tensor holding the transpose of the last two axes of a single matrix. */
function transposed(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const rows = t.shape[rank - 2]!;
  const cols = t.shape[rank - 1]!;
  const out = alloc(backend, [...t.shape.slice(0, -2), cols, rows]);
  transpose2d(f32(backend, t), f32(backend, out), rows, cols);
  return out;
}

/**
 * a · bᵀ as (b · aᵀ)ᵀ, where that moves less data: XNNPACK packs its right operand at every call
 * (the weights it expects to keep), so a dense layer's input gradient dy [M, N] · Wᵀ, with W
 * [K, N] new after each update, transposes and packs all of W; this way it packs dyᵀ [N, M] and
 * transposes the [K, M] result back. Each element is the same dot product in the same order (the
 * results are equal). Faster on a dense layer's input gradient (bench/README.md).
 */
function timesTransposeViaTranspose(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo | undefined {
  const [M, N] = a.shape.slice(-2) as [number, number];
  const K = b.shape[b.shape.length - 2]!;
  if (2 * M * N + M * K >= 2 * K * N) return undefined;
  const aT = transposed(backend, a);
  try {
    const productT = fastKernel!({ inputs: { a: b, b: aT }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    try {
      return transposed(backend, productT);
    } finally {
      free(backend, productT);
    }
  } finally {
    free(backend, aT);
  }
}

function batchMatMul(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, attrs } = args;
  const backend = args.backend as BackendWasm;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const single = (t: TensorInfo) => t.dtype === 'float32' && util.sizeFromShape(t.shape.slice(0, -2)) === 1;
  if (!(transposeA || transposeB) || !single(a) || !single(b)) return fastKernel!(args) as TensorInfo;
  if (transposeB && !transposeA) {
    const out = timesTransposeViaTranspose(backend, a, b);
    if (out) return out;
  }
  const a2 = transposeA ? transposed(backend, a) : a;
  const b2 = transposeB ? transposed(backend, b) : b;
  try {
    return fastKernel!({ inputs: { a: a2, b: b2 }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  } finally {
    if (a2 !== a) free(backend, a2);
    if (b2 !== b) free(backend, b2);
  }
}

export function batchMatMulConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelFunc: batchMatMul as unknown as KernelFunc };
}
