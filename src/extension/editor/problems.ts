import type { LocatedError } from '../../dsl/errors';
import type { SourceRange } from '../../dsl/ir';
import { rangeKey, sameFile, type ModelResult } from './lookup';

// What the Problems panel shows for a model file: the reason it does not evaluate, or else the
// analysis' errors and warnings, each at the call that causes it. Pure; the VS Code side turns
// these into a DiagnosticCollection.

export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  /** In this file; null puts it on the first line (the cause is elsewhere or unknown). */
  range: SourceRange | null;
}

/** A range in this file, or null with the other place named in the message. */
function place(range: SourceRange | null, file: string, message: string): { range: SourceRange | null; message: string } {
  if (!range || sameFile(range.file, file)) return { range, message };
  return { range: null, message: `${range.file}:${range.line}:${range.column}: ${message}` };
}

export function problemsOf(results: readonly ModelResult[], error: LocatedError | null, file: string): Problem[] {
  // While the text does not evaluate, the results are an older text's: their findings may no
  // longer hold, so only the current error is reported.
  if (error) return [{ severity: 'error', ...place(error.location, file, error.message) }];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const manyModels = results.length > 1;
  for (const { model, analysis } of results) {
    for (const d of analysis.diagnostics) {
      const node = d.nodeId === null ? undefined : model.nodes.find((n) => n.id === d.nodeId);
      const at = place(d.source ?? node?.source ?? model.source, file, d.message);
      // A helper shared by several models reports once per call, not once per model.
      const key = `${d.severity}|${at.range ? rangeKey(at.range) : ''}|${at.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const prefix = manyModels ? `${model.name}: ` : '';
      problems.push({ severity: d.severity, range: at.range, message: prefix + at.message });
    }
  }
  return problems;
}
