// The trainer process's messages, shared by everyone who starts or watches a run (the CLI, the
// extension, tests). The trainer writes one JSON object per line on stdout (TrainerMessage) and
// reads one per line on stdin (TrainerCommand). Metric records are also appended, one per line,
// to the run's metrics.jsonl, so a watcher that joins late reads the file instead.
import type { SourceRange } from '../../dsl/ir';

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';

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

/** The result of a run, as `cnn-explorer train --json` prints it. */
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
}

export type TrainerMessage =
  | IterationRecord
  | EpochRecord
  /** What the trainer is doing: 'backend' (with the choice and why), 'data', 'training', 'stopping', … */
  | { type: 'status'; phase: string; message: string; time: number }
  | { type: 'error'; message: string; location: SourceRange | null; time: number }
  | { type: 'done'; result: TrainResult; time: number };

export type TrainerCommand = { type: 'stop' };

/** Parses one stdout line; null for anything that is not a trainer message (stray library output). */
export function parseTrainerLine(line: string): TrainerMessage | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const msg = JSON.parse(text) as TrainerMessage;
    return typeof msg === 'object' && msg !== null && typeof msg.type === 'string' ? msg : null;
  } catch {
    return null;
  }
}
