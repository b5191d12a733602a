import { INPUT_ID, type IRNode, type ModelIR } from '../dsl/ir';
import { trainingMemory, type TrainingBudget } from './memory';
import * as msg from './messages';
import { countMacs, countParams, elements } from './params';
import { INPUT_FIELD, layerField, mergeFields } from './receptiveField';
import { inferShape } from './shapes';
import type { Diagnostic, ModelAnalysis, NodeAnalysis, ReceptiveField, Shape } from './types';

// IR → shapes, parameters, MACs, receptive fields and diagnostics, in one walk over the nodes
// (they are in topological order). Pure: no Node, VS Code or tfjs, so the extension, the CLI
// and the webviews all get the same answers.

export type { ModelAnalysis } from './types';
export type { TrainingBudget } from './memory';
export { formatField, formatShape } from './format';

interface Known {
  shape: Shape | null;
  field: ReceptiveField | null;
}

/**
 * `budget`: the batch size and the memory training may use, where the caller knows them (the
 * editor and `summary`: the file's batch size and the machine's memory); with it, a model that
 * cannot train in that memory gets a warning at the layer from which it does not fit.
 */
export function analyzeModel(ir: ModelIR, budget?: TrainingBudget): ModelAnalysis {
  const known = new Map<string, Known>();
  known.set(INPUT_ID, { shape: [...ir.inputShape], field: ir.inputShape.length === 3 ? INPUT_FIELD : null });
  const byId = new Map(ir.nodes.map((n) => [n.id, n]));
  const residualGroups = new Set(ir.groups.filter((g) => g.kind === 'residual').map((g) => g.id));
  const label = (id: string) => (id === INPUT_ID ? 'input' : byId.get(id)?.path ?? id);

  const diagnostics: Diagnostic[] = [];
  const report = (severity: Diagnostic['severity'], node: IRNode, message: string) =>
    diagnostics.push({ severity, message, nodeId: node.id, source: node.source });

  /** The layer that turned the tensor reaching `id` flat (walking back along first inputs). */
  const flattenedBy = (id: string): string | null => {
    let current = id;
    while (current !== INPUT_ID) {
      const node = byId.get(current)!;
      const before = known.get(node.inputs[0]!)?.shape;
      if (before && before.length === 3) return node.path;
      current = node.inputs[0]!;
    }
    return null;
  };

  const nodes: NodeAnalysis[] = ir.nodes.map((node) => {
    const inputs = node.inputs.map((id) => known.get(id) ?? { shape: null, field: null });
    const shapes = inputs.map((i) => i.shape);
    // Upstream failed: say nothing more here (the first error is the one to fix).
    if (shapes.some((s) => s === null)) {
      known.set(node.id, { shape: null, field: null });
      return empty(node.id);
    }
    const inputShapes = shapes as Shape[];
    const result = inferShape(node, {
      shapes: inputShapes,
      labels: node.inputs.map(label),
      residual: residualGroups.has(node.groups.at(-1) ?? ''),
      flattenedBy: () => flattenedBy(node.inputs[0]!),
    });
    if (result.error !== null) report('error', node, result.error);
    const out = result.shape;
    const field = out ? fieldOf(node, inputs, inputShapes, out, result.window, report) : null;
    known.set(node.id, { shape: out, field });
    const first = inputShapes[0]!;
    return {
      id: node.id,
      inputShapes,
      outputShape: out,
      params: out ? countParams(node.op, first) : { trainable: 0, nonTrainable: 0 },
      macs: countMacs(node.op, first, out),
      activationBytes: out ? elements(out) * 4 : 0,
      receptiveField: field,
      formula: result.formula,
    };
  });

  // A model with an error is not trainable anyway, and its sizes stop at the error.
  if (budget && !diagnostics.some((d) => d.severity === 'error')) {
    const memory = trainingMemory(nodes, budget);
    const at = memory.exceededAt === null ? undefined : byId.get(memory.exceededAt);
    if (at) report('warning', at, msg.trainingMemory(at.path, memory));
  }
  return { nodes, diagnostics, totals: totalsOf(nodes, known.get(ir.output)?.shape ?? null) };

  function fieldOf(
    node: IRNode, inputs: Known[], inputShapes: Shape[], out: Shape,
    window: Parameters<typeof layerField>[4], warn: typeof report,
  ): ReceptiveField | null {
    if (node.op.type !== 'add' && node.op.type !== 'concat') {
      return layerField(node, inputs[0]!.field, inputShapes[0]!, out, window);
    }
    const fields = inputs.map((i) => i.field);
    if (out.length !== 3 || fields.some((f) => f === null)) return null;
    const merged = mergeFields(fields as ReceptiveField[]);
    if (merged.misaligned) {
      warn('warning', node, msg.misaligned(node.path, node.inputs.map((id, i) => ({ label: label(id), field: fields[i]! }))));
    }
    return merged.field;
  }
}

function empty(id: string): NodeAnalysis {
  return {
    id, inputShapes: [], outputShape: null, params: { trainable: 0, nonTrainable: 0 },
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
