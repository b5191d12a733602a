// Identity, and Cast to the dtype a tensor already has, as a second reference to the same data
// (as the cpu backend does) instead of the wasm backend's copy. tfjs clones every tensor it
// saves for the backward pass through Identity, and the gradient of that clone is a Cast to
// float32: on the small CNN, 34 copies and 10 casts per step, up to 221K floats each. Sharing
// is safe because no kernel writes into its inputs: results always go to new memory.

import { Cast, Identity, type CastAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './heap';

function alias(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function identityConfig(base: KernelConfig): KernelConfig {
  const kernelFunc = ((args: { inputs: { x: TensorInfo }; backend: BackendWasm }) => {
    const { inputs: { x }, backend } = args;
    return x.dtype === 'string' ? base.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) : alias(backend, x);
  }) as unknown as KernelFunc;
  return { ...base, kernelName: Identity, kernelFunc };
}

export function castConfig(base: KernelConfig): KernelConfig {
  const kernelFunc = ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: CastAttrs }) => {
    const { inputs: { x }, backend, attrs } = args;
    return x.dtype !== attrs.dtype || x.dtype === 'string' ? base.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) : alias(backend, x);
  }) as unknown as KernelFunc;
  return { ...base, kernelName: Cast, kernelFunc };
}
