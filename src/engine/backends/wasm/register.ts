// Registers, for the 'wasm' backend, the kernels training needs that it lacks or runs slowly. The
// list below is the one place that names them; each kernel's module says why it is there.
// Kernels that replace one of the backend's are built over it and keep it for the cases they
// pass on. Importing this module loads @tensorflow/tfjs-backend-wasm, which registers the
// backend and its own kernels; call `registerWasmTrainingKernels` before or after the backend
// initialises (it also loads the assembler of the SIMD kernels, simdAssembler.ts, and installs
// the activations' and BatchNorm's gradients that call our kernels, ../activationGradients.ts and
// batchNormGrad.ts).

import {
  Add, AvgPool, AvgPoolGrad, BatchMatMul, Cast, Conv2D, FusedConv2D, getKernel, Identity, MaxPool, MaxPoolGrad, Mean,
  registerKernel, Sum, unregisterKernel, type KernelConfig,
} from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerActivationGradients } from '../activationGradients';
import { reluGradConfig, sigmoidGradConfig } from './activationGrad';
import { batchNormGradConfig, registerBatchNormGradient } from './batchNormGrad';
import { castConfig, identityConfig } from './alias';
import { addConfig, meanConfig, sumConfig } from './channelOps';
import { unfoldingConvConfig } from './conv2d';
import { conv2DBackpropFilterConfig } from './conv2dBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2dBackpropInput';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise';
import { batchMatMulConfig, setBaseMatMul } from './matmul';
import { sgdMomentumConfig } from './momentum';
import { avgPoolConfig, maxPoolConfig } from './pool';
import { avgPoolGradConfig, maxPoolGradConfig } from './poolGrad';
import { loadSimdAssembler } from './simdAssembler';
import { tileConfig } from './tile';
import { captureBaseKernels } from './xnn';

/** The backend's own kernel of that name (as @tensorflow/tfjs-backend-wasm registered it). */
function backendKernel(name: string): KernelConfig {
  const k = getKernel(name, 'wasm');
  if (!k) throw new Error(`@tensorflow/tfjs-backend-wasm has no ${name} kernel: unexpected version`);
  return k;
}

/**
 * Our kernels, built once when this module loads, so over the backend's own kernels (before
 * any is replaced). A replacement keeps its base's setupFunc, which binds the wasm functions
 * for a backend set up later.
 */
const TRAINING_KERNELS: readonly KernelConfig[] = [
  batchMatMulConfig(backendKernel(BatchMatMul)),
  maxPoolGradConfig(backendKernel(MaxPoolGrad)),
  avgPoolGradConfig(backendKernel(AvgPoolGrad)),
  unfoldingConvConfig(backendKernel(Conv2D)),
  unfoldingConvConfig(backendKernel(FusedConv2D)),
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  tileConfig,
  identityConfig(backendKernel(Identity)),
  castConfig(backendKernel(Cast)),
  sumConfig(backendKernel(Sum)),
  meanConfig(backendKernel(Mean)),
  addConfig(backendKernel(Add)),
  maxPoolConfig(backendKernel(MaxPool)),
  avgPoolConfig(backendKernel(AvgPool)),
  sgdMomentumConfig,
  reluGradConfig,
  sigmoidGradConfig,
  batchNormGradConfig,
];

/** The names of the kernels `registerWasmTrainingKernels` installs, for reports and tests. */
export const WASM_TRAINING_KERNELS: readonly string[] = TRAINING_KERNELS.map((k) => k.kernelName);

let registered = false;

/** Idempotent. */
export async function registerWasmTrainingKernels(): Promise<void> {
  await loadSimdAssembler();
  if (registered) return;
  setBaseMatMul(backendKernel(BatchMatMul).kernelFunc);
  captureBaseKernels();
  for (const config of TRAINING_KERNELS) {
    // Ours in place of whatever is registered under the name (no "already registered" warning).
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
  registerActivationGradients();
  registerBatchNormGradient();
  registered = true;
}
