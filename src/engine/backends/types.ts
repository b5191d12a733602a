// The public vocabulary of backend selection, shared by the selector and its callers
// (the training loop, the CLI's --backend flag, run.json).

/** The tfjs backends CNN Explorer can train on, fastest family first. */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

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
