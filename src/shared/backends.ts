// The training backends by name: the one list, read by the CLI's --backend flag, the trainer
// protocol's `backend` message, run.json, and the cnnExplorer.backend setting (a unit test holds
// package.json's enum to it). Names only, so that anyone can name a backend without loading one.
// Two engines train: tfjs, embedded, on the four tfjs backends; and torch, PyTorch in a Python the
// user has (docs/torch-engine.md), which is one backend name here.

/** The tfjs backends, fastest first: what the tfjs trainer chooses among. */
export const TFJS_BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

export type TfjsBackendName = (typeof TFJS_BACKEND_NAMES)[number];

/** The backends CNN Explorer can train on: PyTorch, then the tfjs ones. */
export const BACKEND_NAMES = ['torch', ...TFJS_BACKEND_NAMES] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a user may ask for: a backend by name, or `auto` (the fastest that works here). */
export const BACKEND_PREFERENCES = ['auto', ...BACKEND_NAMES] as const;

export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** What the tfjs trainer and the commands that run tfjs in their own process accept. */
export const TFJS_BACKEND_PREFERENCES = ['auto', ...TFJS_BACKEND_NAMES] as const;

export type TfjsBackendPreference = (typeof TFJS_BACKEND_PREFERENCES)[number];

export function isBackendPreference(value: string): value is BackendPreference {
  return (BACKEND_PREFERENCES as readonly string[]).includes(value);
}
