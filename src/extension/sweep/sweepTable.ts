import { diffConfigs, type ConfigValue } from '../../runs/configDiff';
import { runSeconds } from '../../runs/text';
import type { EpochRecord, RunRecord } from '../../runs/types';
import { SWEEP_METRICS, type SweepMetric, type SweepRun, type SweepTable } from '../../shared/messages';

// The sweep view's table, built from run folders' records: the hyperparameters are exactly the
// keys the config diff finds differing (src/runs/configDiff.ts is the one home of "which fields
// differ"), the metrics one value per SWEEP_METRICS entry. Pure: the panel reads the folders.

/** What the table needs of one run: its record, name and last epoch (metrics.jsonl's last epoch record). */
export interface SweepInput {
  record: RunRecord;
  label: string;
  final: EpochRecord | null;
}

/**
 * Keys of the diff that are no hyperparameter one reads off an axis: the model file's hash
 * changes with every edit, and `model.file`/`model.name` already say which model it was.
 */
const NOT_AN_AXIS = new Set(['model.sha256']);

function metric(input: SweepInput, m: SweepMetric): number | null {
  const { record, final } = input;
  switch (m) {
    case 'bestTestAccuracy': return record.best?.test.accuracy ?? null;
    case 'finalTestAccuracy': return final?.test.accuracy ?? null;
    case 'bestTestLoss': return record.best?.test.loss ?? null;
    case 'finalTestLoss': return final?.test.loss ?? null;
    case 'imagesPerSecond': return record.trainImagesPerSecond;
    case 'seconds': return runSeconds(record);
  }
}

export function sweepTable(inputs: readonly SweepInput[]): SweepTable {
  const differ: Record<string, ConfigValue[]> = inputs.length > 1 ? diffConfigs(inputs.map((i) => i.record)).differ : {};
  const params = Object.keys(differ).filter((k) => !NOT_AN_AXIS.has(k));
  const runs: SweepRun[] = inputs.map((input, i) => ({
    id: input.record.id,
    label: input.label,
    status: input.record.status,
    params: params.map((k) => differ[k]![i]!),
    metrics: SWEEP_METRICS.map((m) => metric(input, m)),
  }));
  return { params, runs };
}
