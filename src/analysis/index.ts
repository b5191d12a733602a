import { INPUT_ID, type IRNode, type ModelIR } from '../dsl/ir';
import { trainingMemory, type TrainingBudget } from './memory';
import * as msg from './messages';
import { countMacs, countParams, elements, NO_PARAMS } from './params';
import { INPUT_FIELD, layerField, mergeFields } from './receptiveField';
import { producers } from './producers';
import { inferShape, type ShapeContext } from './shapes';
import type { Diagnostic, ModelAnalysis, NodeAnalysis, ReceptiveField, Shape } from './types';

// IR → shapes, parameters, MACs, receptive fields and diagnostics, in one walk over the nodes
// (they are in topological order). Pure: no Node, VS Code or tfjs, so the extension, the CLI
// and the webviews all get the same answers.

export type { ModelAnalysis } from './types';
export type { TrainingBudget } from './memory';
export { formatField, formatShape } from './format';

/**
 * `budget`: the batch size and the memory training may use, where the caller knows them (the
 * editor and `summary`: the file's batch size and the machine's memory); with it, a model that
 * cannot train in that memory gets a warning at the layer from which it does not fit.
 */
export function analyzeModel(ir: ModelIR, budget?: TrainingBudget): ModelAnalysis {
  // What is known about each tensor, by the index of the node that makes it (the model's
  // input at INPUT): plain arrays, since the editor runs this on every edit and a model may
  // have tens of thousands of layers.
  const INPUT = ir.nodes.length;
  const shapeAt: (Shape | null)[] = new Array<Shape | null>(INPUT + 1).fill(null);
  const fieldAt: (ReceptiveField | null)[] = new Array<ReceptiveField | null>(INPUT + 1).fill(null);
  shapeAt[INPUT] = [...ir.inputShape];
  fieldAt[INPUT] = ir.inputShape.length === 3 ? INPUT_FIELD : null;
  const made = producers(ir.nodes);
  /** The index in shapeAt of the tensor `id` names, as the node at `reader` sees it. */
  const indexOf = (id: string, reader: number): number | undefined => (id === INPUT_ID ? INPUT : made.of(id, reader));
  const residualGroups = new Set(ir.groups.filter((g) => g.kind === 'residual').map((g) => g.id));
  /** The node `id` names, as the node at `reader` sees it. */
  const nodeOf = (id: string, reader: number): IRNode | undefined => {
    const i = made.of(id, reader);
    return i === undefined ? undefined : ir.nodes[i];
  };
  /** The node being analysed: messages name what it reads as it sees them. */
  let current = 0;
  const label = (id: string) => (id === INPUT_ID ? 'input' : nodeOf(id, current)?.path ?? id);

  const diagnostics: Diagnostic[] = [];
  const report = (severity: Diagnostic['severity'], node: IRNode, message: string) =>
    diagnostics.push({ severity, message, nodeId: node.id, source: node.source });

  const context: ShapeContext = {
    label,
    /** The layer that turned the tensor reaching `id` flat (walking back along first inputs). */
    flattenedBy(id: string): string | null {
      let reading = id, reader = current;
      while (reading !== INPUT_ID) {
        const at = made.of(reading, reader)!;
        const node = ir.nodes[at]!;
        const before = indexOf(node.inputs[0]!, at);
        const shape = before === undefined ? null : shapeAt[before];
        if (shape && shape.length === 3) return node.path;
        reading = node.inputs[0]!;
        reader = at;
      }
      return null;
    },
  };

  const nodes: NodeAnalysis[] = new Array<NodeAnalysis>(ir.nodes.length);
  for (let n = 0; n < ir.nodes.length; n++) {
    const node = ir.nodes[n]!;
    current = n;
    const at: number[] = new Array<number>(node.inputs.length);
    const inputShapes: Shape[] = new Array<Shape>(node.inputs.length);
    let upstreamFailed = false;
    for (let i = 0; i < node.inputs.length; i++) {
      const index = indexOf(node.inputs[i]!, n);
      const shape = index === undefined ? null : shapeAt[index]!;
      if (shape === null) upstreamFailed = true;
      at[i] = index ?? -1;
      inputShapes[i] = shape!;
    }
    // Upstream failed: say nothing more here (the first error is the one to fix).
    if (upstreamFailed) {
      nodes[n] = empty(node.id);
      continue;
    }
    const result = inferShape(node, {
      shapes: inputShapes,
      residual: residualGroups.has(node.groups.at(-1) ?? ''),
      context,
    });
    if (result.error !== null) report('error', node, result.error);
    const out = result.shape;
    const field = out ? fieldOf(node, at, inputShapes, out, result.window, report) : null;
    shapeAt[n] = out;
    fieldAt[n] = field;
    const first = inputShapes[0]!;
    nodes[n] = {
      id: node.id,
      inputShapes,
      outputShape: out,
      params: out ? countParams(node.op, first) : NO_PARAMS,
      macs: countMacs(node.op, first, out),
      activationBytes: out ? elements(out) * 4 : 0,
      receptiveField: field,
      formula: result.formula,
    };
  }

  // A model with an error is not trainable anyway, and its sizes stop at the error.
  if (budget && !diagnostics.some((d) => d.severity === 'error')) {
    const memory = trainingMemory(nodes, budget);
    const at = memory.exceededAt === null ? undefined : nodeOf(memory.exceededAt, ir.nodes.length);
    if (at) report('warning', at, msg.trainingMemory(at.path, memory));
  }
  const output = indexOf(ir.output, ir.nodes.length);
  return { nodes, diagnostics, totals: totalsOf(nodes, output === undefined ? null : shapeAt[output]!) };

  /** `at`: the index of each input's producer (as in shapeAt and fieldAt). */
  function fieldOf(
    node: IRNode, at: number[], inputShapes: Shape[], out: Shape,
    window: Parameters<typeof layerField>[4], warn: typeof report,
  ): ReceptiveField | null {
    if (node.op.type !== 'add' && node.op.type !== 'concat') {
      return layerField(node, fieldAt[at[0]!]!, inputShapes[0]!, out, window);
    }
    const fields = at.map((i) => fieldAt[i]!);
    if (out.length !== 3 || fields.some((f) => f === null)) return null;
    const merged = mergeFields(fields);
    if (merged.misaligned) {
      warn('warning', node, msg.misaligned(node.path, node.inputs.map((id, i) => ({ label: label(id), field: fields[i]! }))));
    }
    return merged.field;
  }
}

function empty(id: string): NodeAnalysis {
  return {
    id, inputShapes: [], outputShape: null, params: NO_PARAMS,
    macs: 0, activationBytes: 0, receptiveField: null, formula: [],
  };
}

function totalsOf(nodes: NodeAnalysis[], outputShape: Shape | null): ModelAnalysis['totals'] {
  let trainableParams = 0, nonTrainableParams = 0, macs = 0, activationBytes = 0;
  for (const n of nodes) {
    trainableParams += n.params.trainable;
    nonTrainableParams += n.params.nonTrainable;
    macs += n.macs;
    activationBytes += n.activationBytes;
  }
  return { trainableParams, nonTrainableParams, macs, activationBytes, outputShape };
}
