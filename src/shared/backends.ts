// The training backends by name: the one list, read by the CLI's --backend flag, the trainer
// protocol's `backend` message, run.json, and the cnnExplorer.backend setting (a unit test holds
// package.json's enum to it). Names only, so that anyone can name a backend without loading one.

/** The backends CNN Explorer can train on, fastest family first. */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a user may ask for: a backend by name, or `auto` (the fastest that works here). */
export const BACKEND_PREFERENCES = ['auto', ...BACKEND_NAMES] as const;

export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

export function isBackendPreference(value: string): value is BackendPreference {
  return (BACKEND_PREFERENCES as readonly string[]).includes(value);
}
