import type { NodeAnalysis } from './types';

// What training a model holds in memory at once, estimated from the analysis: the editor and
// `summary` warn with the estimate, and the trainer refuses a run before allocating anything
// when even its first batch's forward pass cannot fit.
// Analysis cannot ask the machine, so the memory there is to spend comes from the caller.

/** float32: four bytes a value. */
const BYTES_PER_VALUE = 4;
/** The weights, their gradients and Adam's two moments: four values per parameter. */
const COPIES_PER_PARAMETER = 4;
/** Each layer's output, and its gradient in the backward pass. */
const COPIES_PER_ACTIVATION = 2;

export interface TrainingBudget {
  /** Images per training step: the file's `training.batchSize`, or the default. */
  batchSize: number;
  /** The memory training may use: the machine's, which only the caller can know. */
  memoryBytes: number;
}

export interface TrainingMemory {
  batchSize: number;
  memoryBytes: number;
  /** Parameters as float32, once. */
  parameterBytes: number;
  /** Layer outputs for one image, as float32. */
  activationBytesPerImage: number;
  /** Weights, gradients and Adam's moments, plus activations × batch × 2: what a step needs. */
  totalBytes: number;
  /** The first layer (node id) by which the running total passes the budget; null when it fits. */
  exceededAt: string | null;
  /**
   * What the first batch's forward pass cannot do without, the weights and each layer's output
   * for the batch (a lower bound: the backward pass and the optimizer add to it), and the first
   * layer by which that alone passes the budget. A run is refused by this, never by the estimate.
   */
  firstBatchBytes: number;
  firstBatchExceededAt: string | null;
  /** The largest batch size that fits, 0 when the parameters alone do not. */
  largestBatch: number;
}

/** The estimate for the nodes in topological order: weights, gradients, Adam's moments and activations. */
export function trainingMemory(nodes: readonly NodeAnalysis[], budget: TrainingBudget): TrainingMemory {
  const stepBytes = (parameters: number, activationBytes: number, batch: number) =>
    parameters * BYTES_PER_VALUE * COPIES_PER_PARAMETER + activationBytes * batch * COPIES_PER_ACTIVATION;
  const firstBatch = (parameters: number, activationBytes: number) =>
    parameters * BYTES_PER_VALUE + activationBytes * budget.batchSize;
  let parameters = 0, activationBytes = 0;
  let exceededAt: string | null = null, firstBatchExceededAt: string | null = null;
  for (const n of nodes) {
    parameters += n.params.trainable + n.params.nonTrainable;
    activationBytes += n.activationBytes;
    if (exceededAt === null && stepBytes(parameters, activationBytes, budget.batchSize) > budget.memoryBytes) exceededAt = n.id;
    if (firstBatchExceededAt === null && firstBatch(parameters, activationBytes) > budget.memoryBytes) firstBatchExceededAt = n.id;
  }
  const left = budget.memoryBytes - stepBytes(parameters, 0, 0);
  const perImage = activationBytes * COPIES_PER_ACTIVATION;
  const largestBatch = left <= 0 ? 0 : perImage === 0 ? Infinity : Math.floor(left / perImage);
  return {
    batchSize: budget.batchSize,
    memoryBytes: budget.memoryBytes,
    parameterBytes: parameters * BYTES_PER_VALUE,
    activationBytesPerImage: activationBytes,
    totalBytes: stepBytes(parameters, activationBytes, budget.batchSize),
    exceededAt,
    firstBatchBytes: firstBatch(parameters, activationBytes),
    firstBatchExceededAt,
    largestBatch,
  };
}
