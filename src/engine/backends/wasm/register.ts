// Registers, for the 'wasm' backend, the kernels training needs that it lacks or runs slowly:
// Conv2DBackpropFilter (missing: without it no conv net trains), the depthwise gradients
// (missing: MobileNet), Conv2DBackpropInput and BatchMatMul (present but slow on training's
// shapes). Importing this module loads @tensorflow/tfjs-backend-wasm, which registers the
// backend itself; call `registerWasmTrainingKernels` before or after the backend initialises.

import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from './conv2dBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2dBackpropInput';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise';
import { batchMatMulConfig, setBaseMatMul } from './matmul';
import { captureBaseKernels } from './xnn';

let registered = false;

/** Our kernel in place of whatever is registered under its name (no "already registered" warning). */
function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/** Idempotent. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const base = getKernel('BatchMatMul', 'wasm');
  if (!base) throw new Error("@tensorflow/tfjs-backend-wasm has no BatchMatMul kernel: unexpected version");
  setBaseMatMul(base.kernelFunc);
  captureBaseKernels();
  // Keep the base kernel's setupFunc (it binds the wasm function) for a backend set up later.
  replace(batchMatMulConfig(base));
  replace(conv2DBackpropFilterConfig);
  replace(conv2DBackpropInputConfig);
  replace(depthwiseBackpropFilterConfig);
  replace(depthwiseBackpropInputConfig);
  registered = true;
}

/** The kernels `registerWasmTrainingKernels` installs, for reports and tests. */
export const WASM_TRAINING_KERNELS = [
  'BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput',
] as const;
