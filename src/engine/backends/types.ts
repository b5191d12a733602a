// What backend selection tells its callers: the choice and why, a refusal, a probe's outcome.
// No tfjs here. The backends' names are src/shared/backends.ts.
import type { BackendName } from '../../shared/backends';

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

/**
 * The outcome of trying one backend: usable (and made current) or not, with the reason.
 * `nativeOutput`: what native code printed in a child process the probe ran (kept from the user).
 */
export type ProbeResult =
  | { ok: true; detail?: string; note?: string; nativeOutput?: string }
  | { ok: false; reason: string; hint: string; nativeOutput?: string };
