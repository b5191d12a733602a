// The public vocabulary of backend selection, shared by the selector and its callers (the
// training loop, the CLI's --backend flag, run.json, the cnnExplorer.backend setting). No tfjs
// here, so that the CLI and the extension can name backends without loading one.

/**
 * The backends CNN Explorer can train on, fastest family first: the one list. The types, the
 * CLI's usage and check derive from it; a unit test holds package.json's setting enum to it.
 */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a user may ask for: a backend by name, or `auto` (the fastest that works here). */
export const BACKEND_PREFERENCES = ['auto', ...BACKEND_NAMES] as const;

export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

export function isBackendPreference(value: string): value is BackendPreference {
  return (BACKEND_PREFERENCES as readonly string[]).includes(value);
}

/** What was chosen and why; shown to the user and recorded in run.json. */
export interface BackendChoice {
  name: BackendName;
  /** Why this one: for `auto`, why each faster one was skipped. */
  reason: string;
  /** e.g. the GPU adapter's name, or which tfjs-node package and version. */
  detail?: string;
}

/** A backend that was asked for cannot be used; the message says how to get it. */
export class BackendError extends Error {
  constructor(message: string, readonly backend?: BackendName) {
    super(message);
    this.name = 'BackendError';
  }
}

/** The outcome of trying one backend: usable (and made current) or not, with the reason. */
export type ProbeResult =
  | { ok: true; detail?: string; note?: string }
  | { ok: false; reason: string; hint: string };
