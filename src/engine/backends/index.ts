// Backend selection for training; see select.ts. The wasm backend (its probe and training kernels) lives in ./wasm.
export { selectBackend, describe as describeBackend } from './select';
export { BackendError } from './types';
export {
  TFJS_BACKEND_NAMES, type BackendName, type TfjsBackendName,
} from '../../shared/backends';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm/register';
