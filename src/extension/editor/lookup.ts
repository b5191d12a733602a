import * as path from 'node:path';
import type { AnalyzedModel, NodeAnalysis } from '../../analysis/types';
import type { IRGroup, IRNode, SourceRange } from '../../dsl/ir';

// What sits at a position of a model file: the IR nodes (or group, or model) made by the
// innermost call around it. Pure; hovers and the tests read it. Positions are 1-based, and a
// range holds [start, end) as SourceRange does.

export interface Position { line: number; column: number }

/** One IR node a call made (a call in a loop or helper makes several). */
export interface NodeInstance {
  result: AnalyzedModel;
  node: IRNode;
  analysis: NodeAnalysis | undefined;
}

export interface GroupInstance {
  result: AnalyzedModel;
  group: IRGroup;
  /** The group's path prefix (`layer1/block2`), or its name where it adds none (parallel, residual). */
  path: string;
  /** Its nodes in topological order. */
  members: NodeInstance[];
}

export type Target =
  | { kind: 'nodes'; range: SourceRange; instances: NodeInstance[] }
  | { kind: 'groups'; range: SourceRange; instances: GroupInstance[] }
  | { kind: 'model'; range: SourceRange; result: AnalyzedModel };

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

const start = (r: SourceRange): Position => ({ line: r.line, column: r.column });
const end = (r: SourceRange): Position => ({ line: r.endLine, column: r.endColumn });

export function sameFile(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

export function contains(range: SourceRange, pos: Position): boolean {
  return !before(pos, start(range)) && before(pos, end(range));
}

export function rangeKey(r: SourceRange): string {
  return `${r.line}:${r.column}-${r.endLine}:${r.endColumn}`;
}

/** Calls nest, so of the ranges around a position the innermost starts last (and ends first). */
function innermost(ranges: SourceRange[]): SourceRange | undefined {
  let best: SourceRange | undefined;
  for (const r of ranges) {
    const sameStart = best && !before(start(best), start(r)) && !before(start(r), start(best));
    if (!best || before(start(best), start(r)) || (sameStart && before(end(r), end(best)))) best = r;
  }
  return best;
}

export function nodeInstance(result: AnalyzedModel, node: IRNode): NodeInstance {
  return { result, node, analysis: result.analysis.nodes.find((n) => n.id === node.id) };
}

function groupInstance(result: AnalyzedModel, group: IRGroup): GroupInstance {
  const members = result.model.nodes.filter((n) => n.groups.includes(group.id)).map((n) => nodeInstance(result, n));
  const byId = new Map(result.model.groups.map((g) => [g.id, g]));
  const first = members[0]?.node;
  const chain = first ? first.groups.slice(0, first.groups.indexOf(group.id) + 1).map((id) => byId.get(id)!) : [group];
  const prefix = chain.filter((g) => g.kind === 'block').map((g) => g.name);
  return { result, group, path: group.kind === 'block' ? prefix.join('/') : [...prefix, group.name].join('/'), members };
}

/** Whether any node, group or the model itself was made by a call in `file`. */
export function madeIn(result: AnalyzedModel, file: string): boolean {
  const m = result.model;
  const here = (r: SourceRange | null): boolean => r !== null && sameFile(r.file, file);
  return here(m.source) || m.nodes.some((n) => here(n.source)) || m.groups.some((g) => here(g.source));
}

/**
 * The model whose export statement is at `pos`, when its `model(` call is in another file
 * (`export default resnet({...})`); `exports` from exportLines.
 */
export function exportTargetAt(results: readonly AnalyzedModel[], file: string, exports: Map<string, SourceRange>, pos: Position): Target | null {
  for (const result of results) {
    const at = exports.get(result.exportName);
    const own = result.model.source;
    if (at && pos.line === at.line && !(own && sameFile(own.file, file))) return { kind: 'model', range: at, result };
  }
  return null;
}

/** What the call around `pos` in `file` made, or null where no call of a model is. */
export function targetAt(results: readonly AnalyzedModel[], file: string, pos: Position): Target | null {
  const inFile = (r: SourceRange | null): r is SourceRange => r !== null && sameFile(r.file, file) && contains(r, pos);
  const candidates: SourceRange[] = [];
  for (const { model } of results) {
    for (const n of model.nodes) if (inFile(n.source)) candidates.push(n.source);
    for (const g of model.groups) if (inFile(g.source)) candidates.push(g.source);
    if (inFile(model.source)) candidates.push(model.source);
  }
  const range = innermost(candidates);
  if (!range) return null;
  const key = rangeKey(range);
  const at = (r: SourceRange | null): boolean => r !== null && sameFile(r.file, file) && rangeKey(r) === key;

  const nodes = results.flatMap((res) => res.model.nodes.filter((n) => at(n.source)).map((n) => nodeInstance(res, n)));
  if (nodes.length > 0) return { kind: 'nodes', range, instances: nodes };
  const groups = results.flatMap((res) => res.model.groups.filter((g) => at(g.source)).map((g) => groupInstance(res, g)));
  if (groups.length > 0) return { kind: 'groups', range, instances: groups };
  // Inside `model(…)` but outside every layer call: only the call's first line means the model.
  const result = results.find((res) => at(res.model.source));
  return result && pos.line === range.line ? { kind: 'model', range, result } : null;
}
