// The fused SGD-with-momentum update (kernelNames.ts) for the wasm backend: one SIMD pass per
// variable (below) instead of tfjs's four element-wise kernels, each a dispatch through the
// engine and XNNPACK, which on a small model is a noticeable part of a step (bench/README.md).

import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { SGD_MOMENTUM_KERNEL } from '../kernelNames';
import { alloc, f32, type BackendWasm } from './heap';
import { addressOf, float32Bits, simdKernel, WatFunction } from './simdAssembler';

/**
 * SGD with momentum (tfjs's MomentumOptimizer, operation for operation in float32) over
 * `vectors` (> 0) vectors of 4 floats: acc' = m·acc + g, then value' = c·acc' + value, or with
 * Nesterov value' = c·(g + acc'·m) + value, where c = −lr. c and m come as float32 bit patterns.
 */
function buildSgdMomentum(nesterov: boolean): WatFunction {
  const f = new WatFunction(8);
  const [VALUE, ACC, GRAD, OUT_VALUE, OUT_ACC, C_BITS, M_BITS, COUNT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const vp = f.i32(), ap = f.i32(), gp = f.i32(), ovp = f.i32(), oap = f.i32();
  const c = f.v128(), m = f.v128(), na = f.v128(), g = f.v128();
  const splatBits = (local: number, into: number) => f.get(local).op('f32.reinterpret_i32').op('f32x4.splat').set(into);
  splatBits(C_BITS, c);
  splatBits(M_BITS, m);
  f.setFrom(vp, VALUE).setFrom(ap, ACC).setFrom(gp, GRAD).setFrom(ovp, OUT_VALUE).setFrom(oap, OUT_ACC);
  f.repeatLocal(COUNT, () => {
    f.get(gp).vLoad(0).set(g);
    f.get(m).get(ap).vLoad(0).op('f32x4.mul').get(g).op('f32x4.add').set(na);
    f.get(oap).get(na).vStore(0);
    f.get(ovp).get(c);
    if (nesterov) f.get(g).get(na).get(m).op('f32x4.mul').op('f32x4.add');
    else f.get(na);
    f.op('f32x4.mul').get(vp).vLoad(0).op('f32x4.add').vStore(0);
    for (const p of [vp, ap, gp, ovp, oap]) f.inc(p, 16);
  });
  return f;
}

const simdSgdMomentum = simdKernel('sgdMomentum', buildSgdMomentum);

interface Attrs { lr: number; momentum: number; nesterov: boolean }

function sgdMomentum(args: { inputs: { value: TensorInfo; accumulation: TensorInfo; gradient: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo[] {
  const { inputs: { value, accumulation, gradient }, backend, attrs } = args;
  for (const t of [accumulation, gradient]) {
    if (!util.arraysEqual(t.shape, value.shape) || t.dtype !== 'float32' || value.dtype !== 'float32') {
      throw new Error(`${SGD_MOMENTUM_KERNEL}: value, accumulation and gradient must be float32 of one shape`);
    }
  }
  const n = util.sizeFromShape(value.shape);
  const outValue = alloc(backend, [...value.shape]);
  const outAcc = alloc(backend, [...value.shape]);
  // The scalars as tfjs holds them: float32 tensors.
  const c = Math.fround(-attrs.lr);
  const m = Math.fround(attrs.momentum);
  const vectors = n >> 2;
  const simd = vectors > 0 ? simdSgdMomentum(backend, attrs.nesterov) : undefined;
  const done = simd ? vectors * 4 : 0;
  if (simd) {
    simd(
      addressOf(backend, value.dataId), addressOf(backend, accumulation.dataId), addressOf(backend, gradient.dataId),
      addressOf(backend, outValue.dataId), addressOf(backend, outAcc.dataId), float32Bits(c), float32Bits(m), vectors);
  }
  if (done < n) {
    const v = f32(backend, value), a = f32(backend, accumulation), g = f32(backend, gradient);
    const ov = f32(backend, outValue), oa = f32(backend, outAcc);
    const r = Math.fround;
    for (let i = done; i < n; i++) {
      const na = r(r(m * a[i]!) + g[i]!);
      oa[i] = na;
      ov[i] = r((attrs.nesterov ? r(c * r(g[i]! + r(na * m))) : r(c * na)) + v[i]!);
    }
  }
  return [outValue, outAcc];
}

export const sgdMomentumConfig: KernelConfig = {
  kernelName: SGD_MOMENTUM_KERNEL,
  backendName: 'wasm',
  kernelFunc: sgdMomentum as unknown as KernelFunc,
};
