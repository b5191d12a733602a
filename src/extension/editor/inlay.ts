import { formatShape } from '../../analysis/format';
import type { AnalyzedModel } from '../../analysis/types';
import { tr } from '../../shared/l10n/translate';
import { nodeInstance, rangeKey, sameFile, type NodeInstance, type Position } from './lookup';

// The output shape after each layer call (`conv2d(6, 5) → 28×28×6`). Pure: a list of labels at
// 1-based positions (the end of each call); the VS Code provider only converts positions.

export interface InlayLabel {
  /** Just after the call's closing parenthesis. */
  position: Position;
  label: string;
}

/** Distinct shapes listed in full up to this many; more become a count. */
const MAX_SHAPES = 3;

/** The label of one call: its output shape, or its instances' shapes when it made several. */
function inlayLabel(instances: readonly NodeInstance[], stale: boolean): string {
  const shapes = instances.map((i) => formatShape(i.analysis?.outputShape));
  const distinct = [...new Set(shapes)];
  let text: string;
  if (instances.length === 1) text = `→ ${shapes[0]}`;
  else if (distinct.length === 1) text = `→ ${distinct[0]} ×${instances.length}`;
  else if (distinct.length <= MAX_SHAPES) text = `→ ${distinct.join(' | ')}`;
  else text = `→ ${tr('{0} shapes', distinct.length)} ×${instances.length}`;
  return stale ? `${text} ${tr('(stale)')}` : text;
}

/** One label per layer call of `file` (calls in loops and helpers once, with all their instances). */
export function inlayLabels(results: readonly AnalyzedModel[], file: string, stale: boolean): InlayLabel[] {
  const byCall = new Map<string, { position: Position; instances: NodeInstance[] }>();
  for (const result of results) {
    for (const node of result.model.nodes) {
      const r = node.source;
      // An empty range means the loader found no parentheses to end the call at.
      if (!r || !sameFile(r.file, file) || (r.endLine === r.line && r.endColumn === r.column)) continue;
      const key = rangeKey(r);
      let call = byCall.get(key);
      if (!call) byCall.set(key, call = { position: { line: r.endLine, column: r.endColumn }, instances: [] });
      call.instances.push(nodeInstance(result, node));
    }
  }
  return [...byCall.values()]
    .map((c) => ({ position: c.position, label: inlayLabel(c.instances, stale) }))
    .sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
}
