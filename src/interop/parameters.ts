import type { ModelIR } from '../dsl/ir';
import type { ModelAnalysis } from '../analysis/types';
import { torchNames } from './torchNames';

// Every tensor of a model's state, as PyTorch's state_dict names and shapes it: the one list
// that the PyTorch export, both engines' safetensors checkpoints and the loading of PyTorch
// state dicts agree on. Shapes are PyTorch's layouts (conv OIHW, dense [out, in]); a tfjs
// engine converts its own layouts (HWIO, [in, out], NHWC flatten order) at its boundary.

export type TensorRole = 'weight' | 'bias' | 'running_mean' | 'running_var';

export interface StateTensor {
  /** The state_dict key, e.g. `layer1.layer1_0.conv2d_2.weight`. */
  key: string;
  nodeId: string;
  role: TensorRole;
  /** PyTorch's layout. */
  shape: number[];
  /** Learned by the optimizer (a parameter) or running statistics (a float buffer). */
  trainable: boolean;
}

/**
 * The model's state tensors in node order (weight, bias, running_mean, running_var within a
 * layer). PyTorch's BatchNorm also keeps `num_batches_tracked`, an integer counter that no
 * computation here reads: it is not listed (exports write it, loaders skip it).
 */
export function stateTensors(ir: ModelIR, analysis: ModelAnalysis): StateTensor[] {
  const names = torchNames(ir);
  const byId = new Map(analysis.nodes.map((n) => [n.id, n]));
  const out: StateTensor[] = [];
  for (const node of ir.nodes) {
    const input = byId.get(node.id)?.inputShapes[0];
    if (!input) continue;
    const prefix = names.nodes.get(node.id)!.join('.');
    const add = (role: TensorRole, shape: number[], trainable = true) =>
      out.push({ key: `${prefix}.${role}`, nodeId: node.id, role, shape, trainable });
    const channels = input[input.length - 1]!;
    const op = node.op;
    switch (op.type) {
      case 'conv2d':
        add('weight', [op.filters, channels / op.groups, op.kernel[0], op.kernel[1]]);
        if (op.bias) add('bias', [op.filters]);
        break;
      case 'depthwiseConv2d':
        add('weight', [channels * op.multiplier, 1, op.kernel[0], op.kernel[1]]);
        if (op.bias) add('bias', [channels * op.multiplier]);
        break;
      case 'dense':
        add('weight', [op.units, channels]);
        if (op.bias) add('bias', [op.units]);
        break;
      case 'batchNorm':
        add('weight', [channels]);
        add('bias', [channels]);
        add('running_mean', [channels], false);
        add('running_var', [channels], false);
        break;
      default:
        break;
    }
  }
  return out;
}
