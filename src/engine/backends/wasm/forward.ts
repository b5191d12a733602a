// 2×2/2 MaxPool and AvgPool over 4 or more channels as single-pass SIMD loops (simd.ts) on the
// calling thread, in place of the backend's XNNPACK pooling: measured on one thread max pool
// 110 → 29 µs on the small CNN's first pooling layer ([64, 24, 24, 6]) and average pool
// 177 → 44 µs on LeNet's ([64, 28, 28, 6]); on two threads of a busy machine, where waking
// XNNPACK's other thread is slow, 297 → 31 and 593 → 40 µs. Other dtypes, geometries and small
// tensors go to the backend's kernels. (Relu the same way measured slower than the backend's:
// it is bound by memory bandwidth, which two threads have more of.)

import { backend_util, util, type KernelConfig, type KernelFunc, type MaxPoolAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, type BackendWasm } from './heap';
import { addressOf, simdKernels } from './simd';

/** Below this many elements the backend's own kernels are as fast. */
const MIN_SIZE = 1024;

/** The SIMD kernel's output, or undefined where the backend's kernel is to run. */
function pool2x2(mode: 'max' | 'avg', x: TensorInfo, backend: BackendWasm, a: MaxPoolAttrs): TensorInfo | undefined {
  if (x.dtype !== 'float32' || x.shape.length !== 4 || util.sizeFromShape(x.shape) < MIN_SIZE) return undefined;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const { outHeight: OH, outWidth: OW, padInfo: p } = info;
  const twoByTwo = info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2 &&
    info.dilationHeight === 1 && info.dilationWidth === 1 && p.top === 0 && p.left === 0 && 2 * OH <= H && 2 * OW <= W;
  const simd = twoByTwo && C >= 4 ? simdKernels(backend) : undefined;
  if (!simd) return undefined;
  const out = alloc(backend, [N, OH, OW, C]);
  const g = { N, H, W, C, OH, OW };
  (mode === 'max' ? simd.maxPool2x2(g) : simd.avgPool2x2(g))(addressOf(backend, x.dataId), addressOf(backend, out.dataId));
  return out;
}

function poolConfig(mode: 'max' | 'avg', base: KernelConfig): KernelConfig {
  const kernelFunc = ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: MaxPoolAttrs }) =>
    pool2x2(mode, args.inputs.x, args.backend, args.attrs) ?? base.kernelFunc(args as unknown as Parameters<KernelFunc>[0])) as unknown as KernelFunc;
  return { ...base, kernelFunc };
}

export const maxPoolConfig = (base: KernelConfig): KernelConfig => poolConfig('max', base);
export const avgPoolConfig = (base: KernelConfig): KernelConfig => poolConfig('avg', base);
