// IR → tf.LayersModel (functional API), independent of the backend. One tfjs layer per IR node,
// named by its path; the custom layers give PyTorch's semantics where tfjs-layers differs.
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { INPUT_ID, type IRNode, type ModelIR } from '../../dsl/ir';
import { deriveSeed } from '../data/random';
import type { InitMode } from './layers/common';
import { CnnConv2D, CnnDepthwiseConv2D } from './layers/conv';
import { CnnActivation, CnnDense, CnnDropout, CnnLRN } from './layers/misc';
import { CnnAdaptiveAvgPool2D, CnnPool2D } from './layers/pool';
import { tfLayerNames, type LayerNames } from './names';

export interface BuildOptions {
  /** Seeds the initial weights and dropout masks (same seed → same model). Default 0. */
  seed?: number;
  /** 'zeros' skips random initialisation (for shape and parameter checks of big models). */
  init?: InitMode;
}

export interface BuiltGraph {
  model: tfl.LayersModel;
  names: LayerNames;
  /** Each IR node's output in the graph (for probing intermediate shapes). */
  outputs: Map<string, SymbolicTensor>;
  input: SymbolicTensor;
}

export function buildTfModel(ir: ModelIR, opts: BuildOptions = {}): tfl.LayersModel {
  return buildTfGraph(ir, opts).model;
}

export function buildTfGraph(ir: ModelIR, opts: BuildOptions = {}): BuiltGraph {
  if (ir.nodes.length === 0) throw new Error(`model '${ir.name}' has no layers to train`);
  const names = tfLayerNames(ir);
  const seed = opts.seed ?? 0;
  const input = tfl.input({ shape: ir.inputShape, name: names.input });
  const outputs = new Map<string, SymbolicTensor>();
  const tensorOf = (id: string): SymbolicTensor => {
    const t = id === INPUT_ID ? input : outputs.get(id);
    if (!t) throw new Error(`IR node input '${id}' is not defined before its use`);
    return t;
  };
  // Whether a node's output depends on a trainable weight (so that the gradient flows into it).
  const dependsOnWeights = new Map<string, boolean>([[INPUT_ID, false]]);
  for (const node of ir.nodes) {
    const ins = node.inputs.map(tensorOf);
    const inputNeedsGradient = node.inputs.some((id) => dependsOnWeights.get(id));
    const layer = layerFor(node, names.byNode.get(node.id)!, seed, opts.init ?? 'torch', ins, inputNeedsGradient);
    outputs.set(node.id, layer.apply(ins.length === 1 ? ins[0]! : ins) as SymbolicTensor);
    dependsOnWeights.set(node.id, inputNeedsGradient || layer.trainableWeights.length > 0);
  }
  const model = tfl.model({ inputs: input, outputs: tensorOf(ir.output), name: sanitiseModelName(ir.name) });
  return { model, names, outputs, input };
}

function sanitiseModelName(name: string): string {
  const cleaned = name.replace(/[^-A-Za-z0-9._]/g, '_');
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `m${cleaned}`;
}

function layerFor(node: IRNode, name: string, seed: number, init: InitMode, ins: SymbolicTensor[], inputNeedsGradient: boolean): tfl.layers.Layer {
  const op = node.op;
  const initSeed = deriveSeed(seed, 'init', node.path);
  switch (op.type) {
    case 'conv2d':
      return new CnnConv2D({
        name, filters: op.filters, kernel: op.kernel, stride: op.stride, padding: op.padding, dilation: op.dilation,
        groups: op.groups, bias: op.bias, activation: op.activation, initSeed, init, inputNeedsGradient,
      });
    case 'depthwiseConv2d':
      return new CnnDepthwiseConv2D({
        name, multiplier: op.multiplier, kernel: op.kernel, stride: op.stride, padding: op.padding,
        dilation: op.dilation, bias: op.bias, activation: op.activation, initSeed, init,
      });
    case 'maxPool2d':
    case 'avgPool2d':
      return new CnnPool2D({
        name, mode: op.type === 'maxPool2d' ? 'max' : 'avg', kernel: op.kernel, stride: op.stride,
        padding: op.padding, ceilMode: op.ceilMode,
      });
    case 'adaptiveAvgPool2d':
      return new CnnAdaptiveAvgPool2D({ name, size: op.size });
    case 'globalAvgPool':
      return tfl.layers.globalAveragePooling2d({ name });
    case 'globalMaxPool':
      return tfl.layers.globalMaxPooling2d({ name });
    case 'batchNorm':
      // Same convention as the DSL: momentum is the moving average's decay (PyTorch's 1 − momentum).
      return tfl.layers.batchNormalization({ name, axis: -1, momentum: op.momentum, epsilon: op.epsilon });
    case 'lrn':
      return new CnnLRN({ name, size: op.size, alpha: op.alpha, beta: op.beta, k: op.k });
    case 'dropout':
      return new CnnDropout({ name, rate: op.rate, seed: deriveSeed(seed, 'dropout', node.path) });
    case 'flatten': {
      // NHWC order: the same count as PyTorch's NCHW flatten, only the weight order differs.
      const shape = ins[0]!.shape;
      if (shape.length === 2) return tfl.layers.reshape({ name, targetShape: [shape[1] as number] });
      return tfl.layers.flatten({ name });
    }
    case 'dense':
      return new CnnDense({ name, units: op.units, bias: op.bias, activation: op.activation, initSeed, init });
    case 'zeroPad2d': {
      const [t, b, l, r] = op.padding;
      return tfl.layers.zeroPadding2d({ name, padding: [[t, b], [l, r]] });
    }
    case 'add':
      return tfl.layers.add({ name });
    case 'concat':
      return tfl.layers.concatenate({ name, axis: -1 });
    default:
      return new CnnActivation({ name, fn: op.type, alpha: op.alpha });
  }
}
