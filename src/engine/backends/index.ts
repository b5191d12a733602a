// Backend selection for training; see select.ts. The wasm backend (its probe and training kernels) lives in ./wasm.
export { selectBackend, describe as describeBackend } from './select';
export {
  BackendError, BACKEND_NAMES, BACKEND_PREFERENCES, isBackendPreference,  type BackendName,
} from './types';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm/register';
