import type { ModelIR, SourceRange } from '../dsl/ir';
import { isApproximateCount } from '../shared/format';
import type { Diagnostic, ModelAnalysis, ReceptiveField, Shape } from './types';

// The `summary --json` object of the CLI contract (architecture.md), built from the IR and its
// analysis. Pure, so the extension can offer the same document without going through the CLI.

export interface SummaryLayer {
  path: string;
  name: string;
  type: string;
  inputShapes: Shape[];
  outputShape: Shape | null;
  params: { trainable: number; nonTrainable: number };
  macs: number;
  receptiveField: ReceptiveField | null;
  source: SourceRange | null;
}

export interface SummaryDocument {
  model: string;
  export: string;
  input: Shape;
  /** Every leaf layer and merge, in topological order. */
  layers: SummaryLayer[];
  totals: { trainableParams: number; nonTrainableParams: number; macs: number; outputShape: Shape | null };
  /** Errors and warnings (an addition to the contract: tools can tell a broken model apart). */
  diagnostics: Diagnostic[];
  /**
   * Present (true) only when a count (or a size in a shape) is past 2^53: JSON numbers that large are the nearest
   * float64, so their digits are not all exact. Absent for every model whose counts are exact.
   */
  approximateCounts?: true;
}

export function buildSummary(ir: ModelIR, exportName: string, analysis: ModelAnalysis): SummaryDocument {
  const layers = ir.nodes.map((node, i): SummaryLayer => {
    const a = analysis.nodes[i]!;
    return {
      path: node.path,
      name: node.name,
      type: node.op.type,
      inputShapes: a.inputShapes,
      outputShape: a.outputShape,
      params: { ...a.params },
      macs: a.macs,
      receptiveField: a.receptiveField,
      source: node.source && { ...node.source },
    };
  });
  const t = analysis.totals;
  const counts = [
    t.trainableParams, t.nonTrainableParams, t.macs,
    ...layers.flatMap((l) => [l.params.trainable, l.params.nonTrainable, l.macs, ...(l.outputShape ?? [])]),
  ];
  return {
    model: ir.name,
    export: exportName,
    input: [...ir.inputShape],
    layers,
    totals: { trainableParams: t.trainableParams, nonTrainableParams: t.nonTrainableParams, macs: t.macs, outputShape: t.outputShape },
    diagnostics: analysis.diagnostics.map((d) => ({ ...d })),
    ...(counts.some(isApproximateCount) ? { approximateCounts: true as const } : {}),
  };
}
