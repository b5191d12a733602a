// Run comparison: several runs' records and metrics in, one Comparison out. Pure (no files, no
// VS Code), so the CLI, the compare view and the tests compute exactly the same thing.
//
// The CLI's `runs compare --json` prints the contract part (architecture.md): runs, configDiff,
// metrics, perClassAccuracy, curves. The view also reads the rest: the keys that are the same,
// per-class and confusion-matrix deltas, and the architecture diff.
import { runBackendLabel } from '../shared/backends';
import { downsampleM4 } from '../shared/downsample';
import { diffArchitectures, type ArchitectureDiff, type RunModel } from './archDiff';
import { diffConfigs, type ConfigValue } from './configDiff';
import type { RunMeta } from './meta';
import type { EpochRecord, IterationRecord, RunRecord, RunStatus, SplitMetrics } from './types';

export type { ConfigValue } from './configDiff';
export type { ArchitectureDiff, RunModel } from './archDiff';

export interface CompareInput {
  record: RunRecord;
  /** The run's epoch records from metrics.jsonl, in order. */
  epochs: EpochRecord[];
  /** Its iteration records, for per-step curves (left out: epoch curves only). */
  iterations?: IterationRecord[];
  meta?: RunMeta;
  /** What a crash or a fault cost the run's files (metrics lines skipped), if anything: a warning. */
  damaged?: string | null;
}

export interface ComparedRun {
  id: string;
  name: string | null;
  tags: string[];
  status: RunStatus;
  model: { name: string; export: string; file: string };
  dataset: string | null;
  backend: string | null;
  /**
   * The backend as the run's header shows it: the name for a run on one process, with the
   * world for a DDP run (`torch · cuda ×4 (NVIDIA H100 80GB HBM3) · DDP`; src/shared/backends.ts).
   */
  backendLabel: string | null;
  epochsCompleted: number;
  epochsPlanned: number;
  bestEpoch: number | null;
  /** The metric that picked the best epoch (`test_accuracy`, `val_loss`, …). */
  monitor: string | null;
  startedAt: string;
  endedAt: string | null;
  wallSeconds: number | null;
  trainImagesPerSecond: number | null;
  error: string | null;
}

/** Metric names of an epoch, as curves and the metrics table name them. */
export const EPOCH_METRICS = ['train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'test_loss', 'test_accuracy'] as const;
export type EpochMetric = (typeof EPOCH_METRICS)[number];

/** Per metric, per run: at the best epoch and at the last one (null: the run has none). */
export type ComparisonMetrics = Record<'epoch' | EpochMetric, { best: (number | null)[]; final: (number | null)[] }>;

/** One [epoch, value] series per run (empty for a run without the metric). */
export type Curve = [number, number][][];

/** Exactly what `cnn-explorer runs compare --json` prints. */
export interface ComparisonContract {
  runs: ComparedRun[];
  configDiff: Record<string, ConfigValue[]>;
  metrics: ComparisonMetrics;
  /** At each run's best epoch (the weights kept in checkpoints/best), in classNames order. */
  perClassAccuracy: { classNames: string[]; runs: number[][] };
  /**
   * Epoch curves (`train_loss` … `test_accuracy`, `lr`) and, when iterations were given,
   * per-step curves (`batch_loss`, `batch_accuracy`) at fractional epochs.
   */
  curves: Record<string, Curve>;
}

export interface ConfusionComparison {
  classNames: string[];
  /** Per run: confusionMatrix[true][predicted] at its best epoch (null: none yet). */
  matrices: (number[][] | null)[];
  /**
   * Per run: its row-normalised matrix minus the first run's (rates, so that test sets of
   * different sizes compare). null for the first run and where either matrix is missing.
   */
  deltaRates: (number[][] | null)[];
}

export interface Comparison extends ComparisonContract {
  /** The keys every run shares, with their value (the collapsible part of the view). */
  configSame: Record<string, ConfigValue>;
  /** Per run, per class: its accuracy minus the first run's ([] where either has none). */
  perClassDelta: number[][];
  confusion: ConfusionComparison;
  /** null when no models were given. */
  architectureDiff: ArchitectureDiff | null;
  /** Things a reader should know (class names that differ between runs, …). */
  warnings: string[];
}

/**
 * Columns a per-step curve is downsampled to per run (M4: at most four points each). Finer than
 * any chart's plot, which keeps four per pixel column again, so the picture is the same as from
 * every step; and bounded, so a live run of 100,000 steps posts a few thousand points a second.
 */
const STEP_COLUMNS = 1000;

function splitValue(s: SplitMetrics | null, key: 'loss' | 'accuracy'): number | null {
  return s ? s[key] : null;
}

function epochMetric(e: EpochRecord, metric: EpochMetric): number | null {
  const [split, key] = metric.split('_') as ['train' | 'val' | 'test', 'loss' | 'accuracy'];
  return splitValue(e[split], key);
}

/** The best epoch: the one the trainer marked last (it keeps those weights), else run.json's. */
export function bestEpochOf(input: CompareInput): EpochRecord | null {
  const marked = input.epochs.filter((e) => e.best).at(-1);
  if (marked) return marked;
  const best = input.record.best;
  return best ? input.epochs.find((e) => e.epoch === best.epoch) ?? best : null;
}

/** The last epoch of the log, else run.json's best (a log lost to a crash). */
export function finalEpochOf(input: CompareInput): EpochRecord | null {
  return input.epochs.at(-1) ?? input.record.best ?? null;
}

function comparedRun(input: CompareInput): ComparedRun {
  const r = input.record;
  return {
    id: r.id,
    name: input.meta?.name ?? null,
    tags: input.meta?.tags ?? [],
    status: r.status,
    model: { name: r.model.name, export: r.model.export, file: r.source.file },
    dataset: r.dataset?.id ?? (typeof r.config.dataset === 'string' ? r.config.dataset : r.config.dataset.folder),
    backend: r.backend?.name ?? null,
    backendLabel: runBackendLabel(r),
    epochsCompleted: Math.max(r.epochsCompleted, input.epochs.at(-1)?.epoch ?? 0),
    epochsPlanned: r.config.epochs,
    bestEpoch: bestEpochOf(input)?.epoch ?? null,
    monitor: r.monitor,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    wallSeconds: r.wallSeconds,
    trainImagesPerSecond: r.trainImagesPerSecond,
    error: r.error,
  };
}

function metricsOf(inputs: readonly CompareInput[]): ComparisonMetrics {
  const best = inputs.map(bestEpochOf);
  const final = inputs.map(finalEpochOf);
  const out = {
    epoch: { best: best.map((e) => e?.epoch ?? null), final: final.map((e) => e?.epoch ?? null) },
  } as ComparisonMetrics;
  for (const m of EPOCH_METRICS) {
    out[m] = {
      best: best.map((e) => (e ? epochMetric(e, m) : null)),
      final: final.map((e) => (e ? epochMetric(e, m) : null)),
    };
  }
  return out;
}

function curvesOf(inputs: readonly CompareInput[]): Record<string, Curve> {
  const curves: Record<string, Curve> = {};
  const add = (name: string, series: [number, number][][]) => {
    if (series.some((s) => s.length > 0)) curves[name] = series;
  };
  for (const m of EPOCH_METRICS) {
    add(m, inputs.map((i) => i.epochs.flatMap((e): [number, number][] => {
      const v = epochMetric(e, m);
      return v === null || !Number.isFinite(v) ? [] : [[e.epoch, v]];
    })));
  }
  add('lr', inputs.map((i) => i.epochs.map((e): [number, number] => [e.epoch, e.lr])));
  if (inputs.some((i) => i.iterations?.length)) {
    // x = epoch − 1 + step/steps: the end of epoch 1 is at 1, like the epoch curves.
    const at = (it: IterationRecord) => it.epoch - 1 + it.step / it.steps;
    for (const key of ['loss', 'accuracy'] as const) {
      add(`batch_${key}`, inputs.map((i) => downsampleM4((i.iterations ?? [])
        .filter((it) => Number.isFinite(it[key]))
        .map((it): [number, number] => [at(it), it[key]]), STEP_COLUMNS)));
    }
  }
  return curves;
}

function classNamesOf(inputs: readonly CompareInput[], warnings: string[]): string[] {
  const named = inputs.map((i) => i.record.dataset?.classNames ?? null);
  const first = named.find((n) => n !== null) ?? null;
  const differ = named.some((n) => n !== null && JSON.stringify(n) !== JSON.stringify(first));
  if (differ) warnings.push('the runs have different classes: per-class numbers are compared by position');
  if (first) return [...first];
  const count = Math.max(0, ...inputs.map((i) => bestEpochOf(i)?.perClassAccuracy.length ?? 0));
  return Array.from({ length: count }, (_, k) => String(k));
}

function rowRates(m: number[][]): number[][] {
  return m.map((row) => {
    const total = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

function confusionOf(inputs: readonly CompareInput[], classNames: string[]): ConfusionComparison {
  const matrices = inputs.map((i) => {
    const m = bestEpochOf(i)?.confusionMatrix;
    return m && m.length ? m.map((row) => [...row]) : null;
  });
  const base = matrices[0] ? rowRates(matrices[0]) : null;
  const deltaRates = matrices.map((m, k) => {
    if (k === 0 || !m || !base || m.length !== base.length) return null;
    const rates = rowRates(m);
    return rates.map((row, t) => row.map((v, p) => v - (base[t]?.[p] ?? 0)));
  });
  return { classNames, matrices, deltaRates };
}

export function compareRuns(inputs: readonly CompareInput[], models?: readonly RunModel[]): Comparison {
  if (inputs.length === 0) throw new Error('nothing to compare: give at least one run');
  const warnings: string[] = [];
  const { differ, same } = diffConfigs(inputs.map((i) => i.record));
  inputs.forEach((input, k) => {
    if (input.damaged) warnings.push(`#${k + 1} (${input.record.id}) is damaged: ${input.damaged}; its complete records are shown`);
  });
  const classNames = classNamesOf(inputs, warnings);
  const perClass = inputs.map((i) => [...(bestEpochOf(i)?.perClassAccuracy ?? [])]);
  const base = perClass[0]!;
  const perClassDelta = perClass.map((row) =>
    row.length && base.length === row.length ? row.map((v, k) => v - base[k]!) : []);
  if (models && models.length !== inputs.length) throw new Error(`compareRuns: ${inputs.length} runs but ${models.length} models`);
  return {
    runs: inputs.map(comparedRun),
    configDiff: differ,
    metrics: metricsOf(inputs),
    perClassAccuracy: { classNames, runs: perClass },
    curves: curvesOf(inputs),
    configSame: same,
    perClassDelta,
    confusion: confusionOf(inputs, classNames),
    architectureDiff: models ? diffArchitectures(models) : null,
    warnings,
  };
}

/** The contract part only, in the contract's key order (what `--json` prints). */
export function comparisonContract(c: Comparison): ComparisonContract {
  return { runs: c.runs, configDiff: c.configDiff, metrics: c.metrics, perClassAccuracy: c.perClassAccuracy, curves: c.curves };
}
