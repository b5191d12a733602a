// A loaded model run node by node on real tensors, so that any node's output can be read or
// replaced by a tensor of one's own: Grad-CAM differentiates the rest of the network with respect
// to one node's output, which a Keras-style sub-model cannot express for graphs with branches.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { INPUT_ID, type IRNode, type ModelIR } from '../../dsl/ir';
import { CnnConv2D } from '../model/index';
import { tfLayerNames, type LayerNames } from '../model/names';

export interface InsightModel {
  model: tfl.LayersModel;
  ir: ModelIR;
  names: LayerNames;
}

export function insightModel(model: tfl.LayersModel, ir: ModelIR): InsightModel {
  // Training skips the first convolution's input gradient (nothing learns from it); the
  // effective receptive field is exactly that gradient.
  for (const layer of model.layers) if (layer instanceof CnnConv2D) layer.args.inputNeedsGradient = true;
  return { model, ir, names: tfLayerNames(ir) };
}

/**
 * Every node's output for input `x` (inference mode), up to and including `until` when given.
 * `replace` substitutes a node's output by the given tensor: what follows it is computed from that.
 */
export function forwardNodes(m: InsightModel, x: tf.Tensor, opts: { until?: string; replace?: { id: string; value: tf.Tensor } } = {}): Map<string, tf.Tensor> {
  const outputs = new Map<string, tf.Tensor>([[INPUT_ID, x]]);
  for (const node of m.ir.nodes) {
    if (opts.replace?.id === node.id) {
      outputs.set(node.id, opts.replace.value);
    } else {
      const ins = node.inputs.map((id) => outputs.get(id)!);
      const layer = m.model.getLayer(m.names.byNode.get(node.id)!);
      outputs.set(node.id, layer.apply(ins.length === 1 ? ins[0]! : ins, { training: false }) as tf.Tensor);
    }
    if (node.id === opts.until) break;
  }
  return outputs;
}

/** Activations applied pixel by pixel (softmax and logSoftmax mix channels: not these). */
const ELEMENTWISE = new Set<string>(['relu', 'relu6', 'hardswish', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'tanh']);

function isConvolution(node: IRNode): boolean {
  return node.op.type === 'conv2d' || node.op.type === 'depthwiseConv2d';
}

/**
 * Where Grad-CAM reads the last convolution: its output, or the output of the activation that
 * follows it alone (LeNet writes `conv2d(…), sigmoid()`), which is what the next layers see.
 */
export function lastConvolution(ir: ModelIR): IRNode | null {
  const convs = ir.nodes.filter(isConvolution);
  let node = convs[convs.length - 1];
  if (!node) return null;
  for (;;) {
    const users = ir.nodes.filter((n) => n.inputs.includes(node!.id));
    const only = users.length === 1 ? users[0]! : null;
    if (!only || !ELEMENTWISE.has(only.op.type)) return node;
    node = only;
  }
}
