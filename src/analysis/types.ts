import type { ModelIR, Pair, SourceRange } from '../dsl/ir';

// What analysis says about a model. Everything that shows shapes, parameters or receptive
// fields (CLI, hovers, inlay hints, graph, compare view) reads these; none recomputes them.

/** NHWC without the batch: [h, w, c], or [features] once flat. */
export type Shape = number[];

export interface ReceptiveField {
  size: Pair;
  jump: Pair;
  /** Input coordinate of the centre of the first output position's field. */
  start: Pair;
}

export interface NodeAnalysis {
  id: string;
  inputShapes: Shape[];
  /** null where it cannot be known (an error here or upstream). */
  outputShape: Shape | null;
  params: { trainable: number; nonTrainable: number };
  /** Multiply-accumulates for one image (convolutions, depthwise, dense). */
  macs: number;
  /** Bytes of this layer's output for one image (float32). */
  activationBytes: number;
  /** null where the output is flat or unknown. */
  receptiveField: ReceptiveField | null;
  /** How the output size was computed, with the numbers, e.g. `h: ⌊(28 − 5 + 2·2)/1⌋ + 1 = 28`. */
  formula: string[];
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  /** The node it concerns, or null for the model as a whole. */
  nodeId: string | null;
  source: SourceRange | null;
}

export interface ModelAnalysis {
  /** In the IR's (topological) node order. */
  nodes: NodeAnalysis[];
  diagnostics: Diagnostic[];
  totals: {
    trainableParams: number;
    nonTrainableParams: number;
    macs: number;
    activationBytes: number;
    outputShape: Shape | null;
  };
}

/**
 * One exported model of a file and what analysis says about it: what the editor, the graph, the
 * summary and the architecture diff of compared runs all work from.
 */
export interface AnalyzedModel {
  exportName: string;
  model: ModelIR;
  analysis: ModelAnalysis;
}
