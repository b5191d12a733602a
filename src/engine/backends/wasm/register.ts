// Registers, for the 'wasm' backend, the kernels training needs that it lacks or runs slowly:
// Conv2DBackpropFilter (missing: without it no conv net trains), the depthwise gradients
// (missing: MobileNet), Conv2DBackpropInput, BatchMatMul, MaxPoolGrad and AvgPoolGrad (present
// but slow on training's shapes; the replacements keep the originals for the cases they skip),
// and Tile (batch norm's gradient tiles its scale to the activation's size, which the backend
// does element by element), and Identity and same-dtype Cast (tfjs clones every tensor saved
// for the backward pass; the backend copies each, alias.ts shares them), and Sum and Add on a
// bias's shapes (channelOps.ts), 2×2 MaxPool and AvgPool (forward.ts), Conv2D and FusedConv2D
// on one input channel (conv2d.ts: unfolded into channels for XNNPACK), and our fused
// SGD-with-momentum update (momentum.ts) and ReLU and sigmoid gradients (activationGrad.ts, with
// the gradients that call them: ../activationGradients.ts). Importing this module loads
// @tensorflow/tfjs-backend-wasm, which registers the backend itself; call
// `registerWasmTrainingKernels` before or after the backend initialises (it also loads the
// assembler of the SIMD kernels, simd.ts).

import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { castConfig, identityConfig } from './alias';
import { addConfig, sumConfig } from './channelOps';
import { unfoldingConvConfig } from './conv2d';
import { conv2DBackpropFilterConfig } from './conv2dBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2dBackpropInput';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise';
import { avgPoolConfig, maxPoolConfig } from './forward';
import { sgdMomentumConfig } from './momentum';
import { reluGradConfig, sigmoidGradConfig } from './activationGrad';
import { registerActivationGradients } from '../activationGradients';
import { batchMatMulConfig, setBaseMatMul } from './matmul';
import { avgPoolGradConfig, maxPoolGradConfig } from './poolGrad';
import { tileConfig } from './tile';
import { loadSimdAssembler } from './simd';
import { captureBaseKernels } from './xnn';

let registered = false;

/** Our kernel in place of whatever is registered under its name (no "already registered" warning). */
function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

function baseKernel(name: string): KernelConfig {
  const k = getKernel(name, 'wasm');
  if (!k) throw new Error(`@tensorflow/tfjs-backend-wasm has no ${name} kernel: unexpected version`);
  return k;
}

/** Idempotent. */
export async function registerWasmTrainingKernels(): Promise<void> {
  await loadSimdAssembler();
  if (registered) return;
  const base = baseKernel('BatchMatMul');
  setBaseMatMul(base.kernelFunc);
  captureBaseKernels();
  // Keep the base kernel's setupFunc (it binds the wasm function) for a backend set up later.
  replace(batchMatMulConfig(base));
  replace(maxPoolGradConfig(baseKernel('MaxPoolGrad')));
  replace(avgPoolGradConfig(baseKernel('AvgPoolGrad')));
  replace(unfoldingConvConfig(baseKernel('Conv2D')));
  replace(unfoldingConvConfig(baseKernel('FusedConv2D')));
  replace(conv2DBackpropFilterConfig);
  replace(conv2DBackpropInputConfig);
  replace(depthwiseBackpropFilterConfig);
  replace(depthwiseBackpropInputConfig);
  replace(tileConfig);
  replace(identityConfig(baseKernel('Identity')));
  replace(castConfig(baseKernel('Cast')));
  replace(sumConfig(baseKernel('Sum')));
  replace(addConfig(baseKernel('Add')));
  replace(maxPoolConfig(baseKernel('MaxPool')));
  replace(avgPoolConfig(baseKernel('AvgPool')));
  replace(sgdMomentumConfig);
  replace(reluGradConfig);
  replace(sigmoidGradConfig);
  registerActivationGradients();
  registered = true;
}

/** The kernels `registerWasmTrainingKernels` installs, for reports and tests. */
export const WASM_TRAINING_KERNELS = [
  'BatchMatMul', 'MaxPoolGrad', 'AvgPoolGrad', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'Tile', 'Identity', 'Cast', 'Sum', 'Add',
  'MaxPool', 'AvgPool', 'CnnExplorerSgdMomentum', 'CnnExplorerReluGrad', 'CnnExplorerSigmoidGrad',
] as const;
