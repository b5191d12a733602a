// The memory budget of training on this machine, for analysis to warn with (the editor and
// `summary`) and for the trainer to refuse a run by before it allocates anything.
import * as os from 'node:os';
import type { TrainingBudget } from '../../analysis/index';
import { DEFAULTS } from './configCheck';

/**
 * The budget for a model file's `training` export as loaded (unchecked): its batchSize where it
 * is a positive integer, else the default (a bad value is reported when a run starts), and the
 * machine's memory. The whole memory, not what is free now: the warning is about the model, and
 * should not come and go with what else runs.
 */
export function trainingBudget(training: unknown, memoryBytes = os.totalmem()): TrainingBudget {
  const batchSize = (training as { batchSize?: unknown } | null | undefined)?.batchSize;
  return {
    batchSize: Number.isSafeInteger(batchSize) && (batchSize as number) > 0 ? batchSize as number : DEFAULTS.batchSize,
    memoryBytes,
  };
}
