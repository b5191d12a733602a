import type { ModelIR, SourceRange } from '../../dsl/ir';

// Which graph nodes the editor's cursor is on: those made by the innermost call whose range
// holds the cursor (a layer call inside a residual(...) inside a block(...) picks the layer).
// Several nodes share one call when it runs in a loop or helper; all of them are returned.
// Pure (no vscode), 1-based lines and columns as in the IR.

export interface CursorTargets {
  nodeIds: string[];
  groupIds: string[];
}

function contains(r: SourceRange, line: number, column: number): boolean {
  const afterStart = line > r.line || (line === r.line && column >= r.column);
  const beforeEnd = line < r.endLine || (line === r.endLine && column <= r.endColumn);
  return afterStart && beforeEnd;
}

/** Nested ranges: the inner one starts later, or at the same place and ends earlier. */
function inner(a: SourceRange, b: SourceRange): boolean {
  if (a.line !== b.line) return a.line > b.line;
  if (a.column !== b.column) return a.column > b.column;
  if (a.endLine !== b.endLine) return a.endLine < b.endLine;
  return a.endColumn < b.endColumn;
}

function same(a: SourceRange, b: SourceRange): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

export function targetsAt(model: ModelIR, file: string, line: number, column: number): CursorTargets {
  const here = (s: SourceRange | null): s is SourceRange => s !== null && s.file === file && contains(s, line, column);
  let best: SourceRange | null = null;
  for (const item of [...model.nodes, ...model.groups]) {
    if (here(item.source) && (best === null || inner(item.source, best))) best = item.source;
  }
  if (!best) return { nodeIds: [], groupIds: [] };
  const at = best;
  return {
    nodeIds: model.nodes.filter((n) => n.source && same(n.source, at)).map((n) => n.id),
    groupIds: model.groups.filter((g) => g.source && same(g.source, at)).map((g) => g.id),
  };
}
