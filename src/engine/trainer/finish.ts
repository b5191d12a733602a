// The last word of a run in its run.json: how it ended, and the result the `done` message carries.
// Shared by the tfjs trainer and the torch engine's launcher (which ends a run itself when it
// fails before PyTorch starts). No tfjs here.
import { runResult } from '../../runs/result';
import { updateRunOrKeep } from '../../runs/store';
import type { RunErrorCode, TrainResult } from '../../runs/types';
import type { LoopResult } from '../training/loop';
import type { RunSpec } from './spec';

/**
 * Records how the run ended in run.json, and returns the result as the record now says.
 * `stoppedBeforeTraining`: a stop came before training started (the run ends `stopped`, no epoch).
 */
export function finish(
  spec: RunSpec, started: number, loop: LoopResult | null, error: { code: RunErrorCode; text: string } | null, stoppedBeforeTraining = false,
): TrainResult {
  const status = error ? 'failed' : stoppedBeforeTraining ? 'stopped' : loop?.status ?? 'completed';
  const wallSeconds = (Date.now() - started) / 1000;
  const best = loop?.best ?? null;
  const record = updateRunOrKeep(spec.runDir, (r) => {
    r.status = status;
    r.error = error?.text ?? null;
    r.errorCode = error?.code ?? null;
    r.endedAt = new Date().toISOString();
    r.wallSeconds = wallSeconds;
    if (loop) {
      r.epochsCompleted = loop.epochsCompleted;
      r.monitor = loop.monitor;
      r.bestEpoch = best?.epoch ?? null;
      r.best = best;
      r.trainImagesPerSecond = loop.trainImagesPerSecond;
      r.endedEarly = loop.endedEarly;
    }
  });
  return runResult(record, spec.runId, spec.runDir);
}
