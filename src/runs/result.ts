// The one place a run's result is made: from its run.json, which the trainer keeps current and
// which outlives it. The trainer reports it at the end (the `done` message), and a starter or a
// watcher whose trainer died without a word reads the same record, so both say the same thing.
import type { RunRecord, TrainResult } from './types';

/** The result of the run `runId` in `runDir` as its record says; no record reads as interrupted. */
export function runResult(record: RunRecord | null, runId: string, runDir: string): TrainResult {
  const best = record?.best ?? null;
  const status = record?.status ?? 'interrupted';
  return {
    runId, runDir, status,
    backend: record?.backend?.name ?? null,
    epochs: record?.epochsCompleted ?? 0,
    bestEpoch: record?.bestEpoch ?? null,
    testAccuracy: best?.test.accuracy ?? null,
    testLoss: best?.test.loss ?? null,
    perClassAccuracy: best?.perClassAccuracy ?? [],
    classNames: record?.dataset?.classNames ?? [],
    confusionMatrix: best?.confusionMatrix ?? [],
    trainImagesPerSecond: record?.trainImagesPerSecond ?? null,
    wallSeconds: record?.wallSeconds ?? 0,
    error: record ? record.error : 'the run folder has no readable run.json',
    errorCode: status === 'failed' ? record?.errorCode ?? null : null,
    worldSize: record?.distributed?.worldSize ?? 1,
  };
}
