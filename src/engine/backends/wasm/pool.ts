// 2×2/2 MaxPool and AvgPool over 4 or more channels as single-pass SIMD loops (below) on the
// calling thread, in place of the backend's XNNPACK pooling: faster on one thread, and more so
// on two threads of a busy machine, where waking XNNPACK's other thread is slow
// (bench/README.md). Other dtypes, geometries and small tensors go to the backend's kernels.
// (Relu the same way was slower than the backend's: it is bound by memory bandwidth, which two
// threads have more of.)

import { backend_util, util, type KernelConfig, type KernelFunc, type MaxPoolAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, type BackendWasm } from './heap';
import { eachWindow2x2, type Pool2x2 } from './pool2x2';
import { addressOf, simdKernel, WatFunction } from './simdAssembler';

/**
 * 2×2/2 pooling: max with the cpu kernel's rule (the greatest by '>', from −∞: NaNs are passed
 * over); average as the cpu kernel sums, row-major ((x00 + x01) + x10) + x11, then divides by 4
 * (a multiplication by 0.25, exact).
 */
function buildPool2x2(g: Pool2x2, mode: 'max' | 'avg'): WatFunction {
  const f = new WatFunction(2);
  const [X, Y] = [0, 1];
  const yi = f.i32();
  f.setFrom(yi, Y);
  eachWindow2x2(f, g, X, yi, (xi, vectors, right, down) => {
    for (const o of vectors) {
      if (mode === 'max') {
        // pmax(v, x) = v < x ? x : v, i.e. x > v ? x : v
        f.get(yi).vConstF32(-Infinity).get(xi).vLoad(o).op('f32x4.pmax');
        for (const at of [o + right, o + down, o + down + right]) f.get(xi).vLoad(at).op('f32x4.pmax');
      } else {
        f.get(yi).get(xi).vLoad(o);
        for (const at of [o + right, o + down, o + down + right]) f.get(xi).vLoad(at).op('f32x4.add');
        f.vConstF32(0.25).op('f32x4.mul');
      }
      f.vStore(o);
    }
  });
  return f;
}

const simdMaxPool2x2 = simdKernel('maxPool2x2', (g: Pool2x2) => buildPool2x2(g, 'max'));
const simdAvgPool2x2 = simdKernel('avgPool2x2', (g: Pool2x2) => buildPool2x2(g, 'avg'));

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
  const g = { N, H, W, C, OH, OW };
  const simd = twoByTwo && C >= 4 ? (mode === 'max' ? simdMaxPool2x2 : simdAvgPool2x2)(backend, g) : undefined;
  if (!simd) return undefined;
  const out = alloc(backend, [N, OH, OW, C]);
  simd(addressOf(backend, x.dataId), addressOf(backend, out.dataId));
  return out;
}

function poolConfig(mode: 'max' | 'avg', base: KernelConfig): KernelConfig {
  const kernelFunc = ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: MaxPoolAttrs }) =>
    pool2x2(mode, args.inputs.x, args.backend, args.attrs) ?? base.kernelFunc(args as unknown as Parameters<KernelFunc>[0])) as unknown as KernelFunc;
  return { ...base, kernelFunc };
}

export const maxPoolConfig = (base: KernelConfig): KernelConfig => poolConfig('max', base);
export const avgPoolConfig = (base: KernelConfig): KernelConfig => poolConfig('avg', base);
