import type { LayerOp } from '../dsl/ir';
import type { Shape } from './types';

// Parameters and multiply-accumulates, counted as PyTorch counts them (torchinfo's figures):
// weights and biases are trainable; BatchNorm's running mean and variance are not.

export interface ParamCount { trainable: number; nonTrainable: number }

/**
 * The count of a layer without parameters: one frozen object that every such layer shares
 * (most layers of a large model have none, and analysis keeps a count per layer).
 */
export const NO_PARAMS: ParamCount = Object.freeze({ trainable: 0, nonTrainable: 0 });

/** Parameters of a layer given its first input's shape (unknown input → 0). */
export function countParams(op: LayerOp, input: Shape | null): ParamCount {
  if (!input) return NO_PARAMS;
  const c = input[input.length - 1]!;
  switch (op.type) {
    case 'conv2d': {
      const weights = op.kernel[0] * op.kernel[1] * (c / op.groups) * op.filters;
      return { trainable: weights + (op.bias ? op.filters : 0), nonTrainable: 0 };
    }
    case 'depthwiseConv2d': {
      const out = c * op.multiplier;
      return { trainable: op.kernel[0] * op.kernel[1] * out + (op.bias ? out : 0), nonTrainable: 0 };
    }
    case 'dense':
      return { trainable: c * op.units + (op.bias ? op.units : 0), nonTrainable: 0 };
    case 'batchNorm':
      // gamma + beta learn; the running mean + variance are buffers.
      return { trainable: 2 * c, nonTrainable: 2 * c };
    default:
      return NO_PARAMS;
  }
}

/** MACs for one image: output elements × kernel volume per output, for conv, depthwise, dense. */
export function countMacs(op: LayerOp, input: Shape | null, output: Shape | null): number {
  if (!input || !output) return 0;
  switch (op.type) {
    case 'conv2d':
      return elements(output) * op.kernel[0] * op.kernel[1] * (input[2]! / op.groups);
    case 'depthwiseConv2d':
      return elements(output) * op.kernel[0] * op.kernel[1];
    case 'dense':
      return input[0]! * op.units;
    default:
      return 0;
  }
}

export function elements(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}
