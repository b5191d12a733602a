// What a run is on disk and in flight: run.json (RunRecord), the metric records the trainer
// appends to metrics.jsonl and sends on stdout (IterationRecord, EpochRecord), the result a
// finished run reports (TrainResult), and the training configuration it used. Plain data, no
// behaviour: the trainer writes these, the CLI, the extension and the webviews read them.
import type { AugmentSpec, DatasetSpec, ScheduleSpec } from '../dsl/training';

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';

/**
 * Why a run failed, as the trainer classifies its error (docs/trainer-protocol.md): the
 * extension picks the way out from it, and run.json records it.
 */
export type RunErrorCode =
  | 'dataset-missing' | 'dataset-corrupt' | 'backend-unavailable' | 'config-invalid'
  | 'model-invalid' | 'out-of-memory' | 'internal';

export const RUN_ERROR_CODES: readonly RunErrorCode[] = [
  'dataset-missing', 'dataset-corrupt', 'backend-unavailable', 'config-invalid', 'model-invalid', 'out-of-memory', 'internal',
];

// ───────────────────────────── The training configuration ─────────────────────────────

/** An image folder with one sub-folder per class. */
export type FolderDataset = Extract<DatasetSpec, { folder: string }>;

export type ResolvedDataset = 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar100' | 'synthetic' | FolderDataset;

export type ResolvedOptimizer =
  | { type: 'sgd'; lr: number; momentum: number; nesterov: boolean; weightDecay: number }
  | { type: 'adam' | 'adamw' | 'rmsprop'; lr: number; weightDecay: number };

/**
 * The training configuration a run uses, every default filled in and every value checked
 * (engine/training/config.ts resolves it); recorded in run.json and spec.json.
 */
export interface ResolvedTraining {
  dataset: ResolvedDataset;
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: ResolvedOptimizer;
  schedule: ScheduleSpec | null;
  augment: AugmentSpec | null;
  normalize: { mean: number[]; std: number[] } | 'dataset' | null;
  validationSplit: number;
  earlyStopping: { patience: number; monitor: 'val_loss' | 'val_accuracy' } | null;
  permutePixels: number | null;
  initFrom: string | null;
  freeze: { layers: string[] | 'all-but-last'; epochs: number; lrAfter: number | null } | null;
}

// ───────────────────────────── Metric records (metrics.jsonl) ─────────────────────────────

/** Loss and accuracy over a whole split. */
export interface SplitMetrics { loss: number; accuracy: number }

/** One optimisation step. `epoch` and `step` are 1-based; `iteration` counts steps over the run. */
export interface IterationRecord {
  type: 'iteration';
  epoch: number;
  step: number;
  steps: number;
  iteration: number;
  loss: number;
  accuracy: number;
  lr: number;
  time: number;
}

/** The end of an epoch: train (running means over its batches), validation and test metrics. */
export interface EpochRecord {
  type: 'epoch';
  epoch: number;
  epochs: number;
  lr: number;
  train: SplitMetrics;
  val: SplitMetrics | null;
  test: SplitMetrics;
  /** Accuracy per class on the test set, in classNames order. */
  perClassAccuracy: number[];
  /** confusionMatrix[true][predicted], counts over the test set. */
  confusionMatrix: number[][];
  /** Training throughput in this epoch (augmentation and the update included, evaluation not). */
  imagesPerSecond: number;
  seconds: number;
  /** Which layers were frozen during the epoch (empty when none). */
  frozen: string[];
  /** Whether this epoch became the best so far (and was saved to checkpoints/best). */
  best: boolean;
  time: number;
}

// ───────────────────────────── The result of a run ─────────────────────────────

/** The result of a run, as `cnn-explorer train --json` prints it (built by runResult, result.ts). */
export interface TrainResult {
  runId: string;
  runDir: string;
  status: RunStatus;
  backend: string | null;
  /** Epochs completed. */
  epochs: number;
  bestEpoch: number | null;
  /** Test metrics of the best epoch (the weights kept in checkpoints/best). */
  testAccuracy: number | null;
  testLoss: number | null;
  perClassAccuracy: number[];
  classNames: string[];
  confusionMatrix: number[][];
  trainImagesPerSecond: number | null;
  wallSeconds: number;
  /** What went wrong, when status is failed or interrupted (as run.json's `error`). */
  error: string | null;
  /** The trainer's classification of a failure; null unless status is failed. */
  errorCode: RunErrorCode | null;
  /** Processes that trained the run: run.json's distributed.worldSize, 1 for every other run. */
  worldSize: number;
}

// ───────────────────────────── run.json ─────────────────────────────

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
  /**
   * The trainer's code for the error of a failed run. Absent from run.json files written before
   * error codes existed: read it as `errorCode ?? null`.
   */
  errorCode?: RunErrorCode | null;
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
  /** A DDP run's processes (docs/distributed.md); absent for a run on one process. */
  distributed?: DistributedRecord;
  /** `runs import`: the run folder it was copied from (absolute); absent for a run trained into this runs folder. */
  importedFrom?: string;
}

/** run.json's account of a run trained by several processes through torchrun (docs/distributed.md). */
export interface DistributedRecord {
  worldSize: number;
  nnodes: number;
  nprocPerNode: number;
  backend: 'gloo' | 'nccl';
  /** ceil(batchSize / worldSize): the most images one rank takes in a step. */
  perRankBatch: number;
  syncBatchNorm: boolean;
  /** device: 'cpu', or 'cuda:0 (NVIDIA H100 80GB HBM3)'. */
  ranks: { rank: number; host: string; pid: number; device: string }[];
}
