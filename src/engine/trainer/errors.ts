// Why a run failed, as one code of the protocol (docs/trainer-protocol.md): the extension picks
// the way out from it (Set Data Folder, Pick Another Backend, …), run.json records it. Each
// layer throws its own error type; this is the one place that maps them to codes.
import { LocatedError } from '../../dsl/errors';
import type { RunErrorCode } from '../../runs/types';
import { BackendError } from '../backends/types';
import { DatasetError } from '../data/errors';
import { ConfigError } from '../training/config';

/** An error the trainer raises itself, with its code (and where in the model file, if known). */
export class TrainerError extends LocatedError {
  override name = 'TrainerError';
  constructor(readonly code: RunErrorCode, message: string, location: LocatedError['location'] = null) {
    super(message, location);
  }
}

// tfjs reports an exhausted heap in each backend's words (a failed ArrayBuffer, a wasm memory
// that cannot grow, tfjs-node's "OOM when allocating", a GPU's out-of-memory error).
const OUT_OF_MEMORY = /out of memory|\bOOM\b|allocation failed|cannot enlarge memory|maximum memory size exceeded/i;

export function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && OUT_OF_MEMORY.test(err.message);
}

/** The protocol's code for an error thrown while a run was prepared or trained. */
export function errorCode(err: unknown): RunErrorCode {
  if (err instanceof TrainerError) return err.code;
  if (err instanceof DatasetError) return err.kind === 'missing' ? 'dataset-missing' : 'dataset-corrupt';
  if (err instanceof BackendError) return 'backend-unavailable';
  if (err instanceof ConfigError) return 'config-invalid';
  if (isOutOfMemory(err)) return 'out-of-memory';
  // Other located errors are the model file's (its evaluation, or what it builds).
  if (err instanceof LocatedError) return 'model-invalid';
  return 'internal';
}

/**
 * What a failed run reports, from what was thrown: the `error` message's fields and run.json's
 * failure (the message after its file:line:column). The stack goes to stderr, which is the run's
 * trainer.log: the user is shown the message, and the stack is there for --verbose, the
 * editor's output channel and bug reports.
 */
export function reportFailure(err: unknown): {
  error: { code: RunErrorCode; message: string; location: LocatedError['location'] };
  failure: { code: RunErrorCode; text: string };
} {
  const message = err instanceof Error ? err.message : String(err);
  const location = err instanceof LocatedError ? err.location : null;
  const code = errorCode(err);
  process.stderr.write(`${code}: ${err instanceof Error ? err.stack ?? message : message}\n`);
  const text = location ? `${location.file}:${location.line}:${location.column}: ${message}` : message;
  return { error: { code, message, location }, failure: { code, text } };
}
