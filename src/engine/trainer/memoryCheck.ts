// The trainer's first check: a model whose first batch cannot be allocated is refused from the
// analysis' estimate before tfjs allocates anything (trying would swap or kill the machine long
// before tfjs reported it), with the layer from which it does not fit and the figures.
import * as os from 'node:os';
import { analyzeModel } from '../../analysis/index';
import { trainingMemory } from '../../analysis/memory';
import { memoryFix } from '../../analysis/messages';
import { byteSize } from '../../shared/format';
import { TrainerError } from './errors';
import type { RunSpec } from './spec';

/** Throws an `out-of-memory` TrainerError at the layer from which the run cannot fit in `memoryBytes`. */
export function checkTrainingMemory(spec: RunSpec, memoryBytes = os.totalmem()): void {
  const ir = spec.model.ir;
  const batchSize = spec.config.batchSize;
  const m = trainingMemory(analyzeModel(ir).nodes, { batchSize, memoryBytes });
  const at = m.exceededAt === null ? undefined : ir.nodes.find((n) => n.id === m.exceededAt);
  if (!at) return;
  throw new TrainerError('out-of-memory',
    `out of memory at ${at.path} (activations and their gradients ${byteSize(m.activationBytesPerImage * batchSize * 2)} ` +
    `for a batch of ${batchSize}, weights with their gradients and Adam's moments ${byteSize(4 * m.parameterBytes)}; ` +
    `training needs about ${byteSize(m.totalBytes)}, this machine has ${byteSize(memoryBytes)}): ${memoryFix(m)}`,
    at.source);
}
