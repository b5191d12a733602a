// A tfjs model's weights as a PyTorch state dict, and back. The keys and PyTorch shapes are
// src/interop/parameters.ts's; this module converts tfjs's layouts at the boundary:
//   conv kernel [kh, kw, in/groups, out] (HWIO)      ↔ weight [out, in/groups, kh, kw] (OIHW)
//   depthwise kernel [kh, kw, c, m]                   ↔ weight [c·m, 1, kh, kw] (out channel c·m + j)
//   dense kernel [in, out]                            ↔ weight [out, in]
//   batchNorm gamma, beta, moving_mean, moving_variance ↔ weight, bias, running_mean, running_var
// and a flatten's feature order: tfjs flattens NHWC ((y·w + x)·c + ch), PyTorch's
// torch.flatten(x, 1) NCHW (ch·h·w + y·w + x), so a dense (or a batchNorm) fed by a flatten of a
// spatial tensor has its input features reordered.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { analyzeModel } from '../../analysis/index';
import { INPUT_ID, type IRNode, type ModelIR } from '../../dsl/ir';
import { stateTensors, type StateTensor, type TensorRole } from '../../interop/parameters';
import { matchStateDict, type StateDict, type StateMatch } from '../../weights/stateDict';
import { tfLayerNames } from '../model/names';

/** Where a state tensor lives in the tfjs model and how its layout converts. */
interface Slot {
  tensor: StateTensor;
  variable: LayerVariable;
  /** tfjs layout → PyTorch layout (a new array). */
  toTorch: (tfValues: Float32Array) => Float32Array;
  /** PyTorch layout → tfjs layout (a new array). */
  fromTorch: (torchValues: Float32Array) => Float32Array;
}

/** NHWC-flattened features of a [h, w, c] tensor, or null where tfjs and PyTorch order features alike. */
type FeatureOrder = { h: number; w: number; c: number } | null | 'mixed';

/** torch feature p ↔ tfjs feature perm[p]. */
function flattenPermutation(o: { h: number; w: number; c: number }): Int32Array {
  const perm = new Int32Array(o.h * o.w * o.c);
  for (let ch = 0; ch < o.c; ch++) {
    for (let s = 0; s < o.h * o.w; s++) perm[ch * o.h * o.w + s] = s * o.c + ch;
  }
  return perm;
}

/** Each node's output feature order, where it is flat and came from a flatten of a spatial tensor. */
function featureOrders(ir: ModelIR, inputShapes: Map<string, number[][]>): Map<string, FeatureOrder> {
  const orders = new Map<string, FeatureOrder>([[INPUT_ID, null]]);
  for (const node of ir.nodes) orders.set(node.id, orderAfter(node, inputShapes.get(node.id)?.[0], node.inputs.map((i) => orders.get(i) ?? null)));
  return orders;
}

function orderAfter(node: IRNode, input: number[] | undefined, ins: FeatureOrder[]): FeatureOrder {
  const op = node.op;
  switch (op.type) {
    case 'flatten': {
      if (!input || input.length !== 3) return ins[0] ?? null;
      const [h, w, c] = input as [number, number, number];
      return h * w === 1 ? null : { h, w, c };
    }
    case 'add': {
      // Element-wise: the order survives when every input has the same one.
      const first = JSON.stringify(ins[0] ?? null);
      return ins.every((o) => JSON.stringify(o) === first) ? ins[0] ?? null : 'mixed';
    }
    case 'concat':
      return ins.every((o) => o === null) ? null : 'mixed';
    case 'dense':
      return null;
    case 'dropout': case 'batchNorm': case 'lrn':
      return ins[0] ?? null;
    case 'conv2d': case 'depthwiseConv2d': case 'maxPool2d': case 'avgPool2d': case 'adaptiveAvgPool2d':
    case 'globalAvgPool': case 'globalMaxPool': case 'zeroPad2d':
      return null; // spatial: their outputs are not flat
    default:
      return ins[0] ?? null; // activations
  }
}

const TF_WEIGHT: Record<TensorRole, (op: IRNode['op']['type']) => string> = {
  weight: (t) => (t === 'batchNorm' ? 'gamma' : t === 'depthwiseConv2d' ? 'depthwise_kernel' : 'kernel'),
  bias: (t) => (t === 'batchNorm' ? 'beta' : 'bias'),
  running_mean: () => 'moving_mean',
  running_var: () => 'moving_variance',
};

/** out[i] = values[perm[i]]. */
function gather(values: Float32Array, perm: Int32Array): Float32Array {
  const out = new Float32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[i] = values[perm[i]!]!;
  return out;
}

/** out[perm[i]] = values[i]. */
function scatter(values: Float32Array, perm: Int32Array): Float32Array {
  const out = new Float32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[perm[i]!] = values[i]!;
  return out;
}

/** For a transpose of `shape` by `axes`: output element i ← input element perm[i]. */
function transposePermutation(shape: number[], axes: number[]): Int32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]!; }
  const outShape = axes.map((a) => shape[a]!);
  const total = shape.reduce((a, b) => a * b, 1);
  const perm = new Int32Array(total);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < total; i++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d]! * strides[axes[d]!]!;
    perm[i] = src;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return perm;
}

const copy = (v: Float32Array) => v.slice();

function slotsOf(model: tfl.LayersModel, ir: ModelIR): Slot[] {
  const analysis = analyzeModel(ir);
  const inputShapes = new Map(analysis.nodes.map((n) => [n.id, n.inputShapes]));
  const orders = featureOrders(ir, inputShapes);
  const names = tfLayerNames(ir);
  const nodes = new Map(ir.nodes.map((n) => [n.id, n]));
  return stateTensors(ir, analysis).map((tensor) => {
    const node = nodes.get(tensor.nodeId)!;
    const layerName = names.byNode.get(node.id)!;
    const weightName = TF_WEIGHT[tensor.role](node.op.type);
    const variable = model.getLayer(layerName).weights.find((w) => w.originalName.endsWith(`/${weightName}`));
    if (!variable) throw new Error(`layer ${layerName} has no weight '${weightName}' for ${tensor.key}`);
    const inputOrder = orders.get(node.inputs[0] ?? INPUT_ID) ?? null;
    if (inputOrder === 'mixed' && (node.op.type === 'dense' || node.op.type === 'batchNorm')) {
      throw new Error(`${node.path}: its input features come from a concat or add of differently flattened tensors, whose order cannot be converted to PyTorch's`);
    }
    const order = inputOrder === 'mixed' ? null : inputOrder;
    let perm: Int32Array | null = null; // torch element i ← tfjs element perm[i]
    const tfShape = variable.shape as number[];
    const op = node.op.type;
    if (tensor.role === 'weight' && op === 'conv2d') {
      perm = transposePermutation(tfShape, [3, 2, 0, 1]);
    } else if (tensor.role === 'weight' && op === 'depthwiseConv2d') {
      const [kh, kw, c, m] = tfShape as [number, number, number, number];
      perm = transposePermutation([kh, kw, c * m], [2, 0, 1]);
    } else if (tensor.role === 'weight' && op === 'dense') {
      const [inputs, units] = tfShape as [number, number];
      const t = transposePermutation([inputs, units], [1, 0]); // [units, inputs] in tfjs feature order
      if (order) {
        const features = flattenPermutation(order);
        perm = new Int32Array(t.length);
        for (let o = 0; o < units; o++) for (let p = 0; p < inputs; p++) perm[o * inputs + p] = features[p]! * units + o;
      } else perm = t;
    } else if (op === 'batchNorm' && order) {
      perm = flattenPermutation(order);
    } else if (op !== 'conv2d' && op !== 'depthwiseConv2d' && op !== 'dense' && op !== 'batchNorm') {
      throw new Error(`${node.path}: no weight conversion for ${op}`);
    }
    const p = perm;
    return {
      tensor, variable,
      toTorch: p ? (v) => gather(v, p) : copy,
      fromTorch: p ? (v) => scatter(v, p) : copy,
    };
  });
}

/**
 * The model's weights by state_dict key, in PyTorch's layouts (stateTensors' order). Read
 * asynchronously: a GPU backend (webgpu) has no synchronous read-back in Node.
 */
export async function modelStateDict(model: tfl.LayersModel, ir: ModelIR): Promise<StateDict> {
  const out: StateDict = new Map();
  for (const slot of slotsOf(model, ir)) {
    const values = await slot.variable.read().data() as Float32Array;
    out.set(slot.tensor.key, { shape: [...slot.tensor.shape], data: slot.toTorch(values) });
  }
  return out;
}

/**
 * Writes a state dict's tensors into the model (matched as matchStateDict says). Without
 * `partial` every tensor of the model must be found; with it, the unmatched ones keep their
 * values and are reported as skipped.
 */
export function loadStateDict(model: tfl.LayersModel, ir: ModelIR, source: StateDict, opts: { partial?: boolean } = {}): StateMatch {
  const slots = slotsOf(model, ir);
  const match = matchStateDict(slots.map((s) => s.tensor), source, { partial: opts.partial ?? false });
  for (const slot of slots) {
    const from = match.pairs.get(slot.tensor.key);
    if (!from) continue;
    const values = tf.tensor(slot.fromTorch(from.data), slot.variable.shape as number[], 'float32');
    slot.variable.write(values);
    values.dispose();
  }
  return match;
}
