// The trainer's first check: a model whose first batch cannot be allocated (the weights and the
// forward pass's outputs alone pass the machine's memory) is refused from the analysis before
// tfjs allocates anything (trying would swap or kill the machine long before tfjs reported it),
// with the layer from which it does not fit and the figures. Only this lower bound refuses a
// run: the full estimate, which the editor warns with, may be more than tfjs ends up holding.
import * as os from 'node:os';
import { analyzeModel } from '../../analysis/index';
import { trainingMemory } from '../../analysis/memory';
import { memoryFix } from '../../analysis/messages';
import { byteSize } from '../../shared/format';
import { TrainerError } from './errors';
import type { RunSpec } from './spec';

/** Throws an `out-of-memory` TrainerError at the layer from which the first batch cannot fit in `memoryBytes`. */
export function checkTrainingMemory(spec: RunSpec, memoryBytes = os.totalmem()): void {
  const ir = spec.model.ir;
  const batchSize = spec.config.batchSize;
  const m = trainingMemory(analyzeModel(ir).nodes, { batchSize, memoryBytes });
  const at = m.firstBatchExceededAt === null ? undefined : ir.nodes.find((n) => n.id === m.firstBatchExceededAt);
  if (!at) return;
  throw new TrainerError('out-of-memory',
    `out of memory at ${at.path} (activations ${byteSize(m.activationBytesPerImage * batchSize)} for a batch of ${batchSize}, ` +
    `weights ${byteSize(m.parameterBytes)}; this machine has ${byteSize(memoryBytes)}, and training would need about ` +
    `${byteSize(m.totalBytes)} with gradients and Adam's moments): ${memoryFix(m)}`,
    at.source);
}
