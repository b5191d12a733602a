import * as path from 'node:path';
import type { AnalyzedModel } from '../../analysis/types';
import type { LocatedError } from '../../dsl/errors';
import type { SourceRange } from '../../dsl/ir';
import { rangeKey, sameFile } from './lookup';

// What the Problems panel shows for a model file: the reason it does not evaluate, or else the
// analysis' errors and warnings, each at the call that causes it. Pure; the VS Code side turns
// these into a DiagnosticCollection.

export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  /** Where it is, in any file (a helper module's call); null where unknown. */
  range: SourceRange | null;
  /** The model it concerns, or null for the file as a whole. */
  exportName: string | null;
}

/** A problem as shown in one file: null range = the file's first line. */
export interface PlacedProblem {
  severity: 'error' | 'warning';
  message: string;
  range: SourceRange | null;
}

export function problemsOf(results: readonly AnalyzedModel[], error: LocatedError | null): Problem[] {
  // While the text does not evaluate, the results are an older text's: their findings may no
  // longer hold, so only the current error is reported.
  if (error) return [{ severity: 'error', message: error.message, range: error.location, exportName: null }];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const manyModels = results.length > 1;
  for (const { exportName, model, analysis } of results) {
    for (const d of analysis.diagnostics) {
      const node = d.nodeId === null ? undefined : model.nodes.find((n) => n.id === d.nodeId);
      const range = d.source ?? node?.source ?? model.source;
      // A helper shared by several models reports once per call, not once per model.
      const key = `${d.severity}|${range ? `${range.file}:${rangeKey(range)}` : ''}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ severity: d.severity, range, exportName, message: manyModels ? `${model.name}: ${d.message}` : d.message });
    }
  }
  return problems;
}

/**
 * Problems by the file that shows them. One in a helper module shows there at its call, and in
 * the model file too (at `anchor(exportName)`, its export statement, or the first line) with
 * the helper's location in the message, so that the open model file never looks clean.
 */
export function problemsByFile(
  problems: readonly Problem[], modelFile: string, anchor: (exportName: string | null) => SourceRange | null,
): Map<string, PlacedProblem[]> {
  const byFile = new Map<string, PlacedProblem[]>([[path.resolve(modelFile), []]]);
  const add = (file: string, p: PlacedProblem): void => {
    const key = path.resolve(file);
    byFile.set(key, [...(byFile.get(key) ?? []), p]);
  };
  for (const p of problems) {
    if (!p.range || sameFile(p.range.file, modelFile)) {
      add(modelFile, { severity: p.severity, message: p.message, range: p.range });
      continue;
    }
    add(p.range.file, { severity: p.severity, message: p.message, range: p.range });
    const where = `${path.relative(path.dirname(modelFile), p.range.file)}:${p.range.line}:${p.range.column}`;
    add(modelFile, { severity: p.severity, message: `${where}: ${p.message}`, range: anchor(p.exportName) });
  }
  return byFile;
}
