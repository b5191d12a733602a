// What a run folder holds: run.json (this record) beside metrics.jsonl and checkpoints/.
import type { ResolvedTraining } from '../engine/training/config';
import type { EpochRecord, RunStatus } from '../engine/trainer/protocol';

export type { RunStatus };

export interface MachineInfo {
  os: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  hostname: string;
}

export interface RunRecord {
  version: 1;
  id: string;
  status: RunStatus;
  /** Set when status is failed (the error) or interrupted (what was seen). */
  error: string | null;
  model: { name: string; export: string };
  source: { file: string; text: string; sha256: string };
  config: ResolvedTraining;
  dataset: {
    id: string; source: string; classNames: string[]; imageShape: [number, number, number];
    trainCount: number; validationCount: number; testCount: number;
    normalization: { mean: number[]; std: number[] } | null;
  } | null;
  backend: { name: string; reason: string; detail?: string } | null;
  machine: MachineInfo;
  /** The trainer's process id while it runs (to tell a dead run from a live one). */
  pid: number | null;
  startedAt: string;
  endedAt: string | null;
  epochsCompleted: number;
  /** The metric that picks the best epoch, e.g. 'test_accuracy' when there is no validation split. */
  monitor: string | null;
  bestEpoch: number | null;
  best: EpochRecord | null;
  /** Training images per second over the whole run. */
  trainImagesPerSecond: number | null;
  wallSeconds: number | null;
  /** Why it ended before its last epoch (early stopping, a stop request), if it did. */
  endedEarly: string | null;
  /** initFrom: which weights were copied. */
  initFrom: { runId: string; copied: number; skipped: number } | null;
}
