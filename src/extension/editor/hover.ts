import { describeOp, describeReceptiveField } from '../../analysis/describe';
import { formatShape, formatSize } from '../../analysis/format';
import type { AnalyzedModel, Diagnostic } from '../../analysis/types';
import { byteSize, exactCountWithCompact, exactOrCompactCount } from '../../shared/format';
import type { GroupInstance, NodeInstance, Target } from './lookup';

// The Markdown of a hover over a call in a model file. Pure: the VS Code provider only wraps it.
// One instance gets the full story (shapes, output-size arithmetic, parameters, MACs, receptive
// field); a call that made several (a loop, a helper) gets one table row per instance.

/** Rows shown before "… and N more". */
export const MAX_ROWS = 8;

export interface HoverOptions {
  /** The results are from an earlier text (the file no longer evaluates). */
  stale: boolean;
}

const STALE = ' *(stale: the file no longer evaluates)*';

/** Markdown table cells must not contain a bare `|`. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function shapes(i: NodeInstance): string {
  const a = i.analysis;
  if (!a) return '?';
  const inputs = a.inputShapes.length === 0 ? '?' : a.inputShapes.map(formatShape).join(' + ');
  return `${inputs} → ${formatShape(a.outputShape)}`;
}

/** The instance's path, prefixed by its model's name when the call serves several models. */
function instancePath(i: { result: AnalyzedModel }, path: string, manyModels: boolean): string {
  return manyModels ? `${i.result.model.name}: ${path}` : path;
}

function spansModels(instances: readonly { result: AnalyzedModel }[]): boolean {
  return new Set(instances.map((i) => i.result)).size > 1;
}

function problemsOf(instances: readonly NodeInstance[]): string[] {
  const messages = new Set<string>();
  for (const i of instances) {
    const mine = i.result.analysis.diagnostics.filter((d: Diagnostic) => d.nodeId === i.node.id);
    for (const d of mine) messages.add(`${d.severity === 'error' ? '✖' : '⚠'} ${d.message}`);
  }
  const all = [...messages];
  return all.length > 3 ? [...all.slice(0, 3), `… and ${all.length - 3} more`] : all;
}

function more(total: number): string[] {
  return total > MAX_ROWS ? [`… and ${total - MAX_ROWS} more`] : [];
}

function nodeDetails(i: NodeInstance): string[] {
  const a = i.analysis;
  if (!a) return ['(no analysis for this layer)'];
  const lines: string[] = [];
  if (a.formula.length > 0) lines.push(`output size: ${a.formula.map(code).join(' · ')}`);
  lines.push(`parameters: ${exactCountWithCompact(a.params.trainable)} trainable, ${exactCountWithCompact(a.params.nonTrainable)} non-trainable`);
  lines.push(`MACs: ${exactCountWithCompact(a.macs)}`);
  lines.push(`receptive field: ${describeReceptiveField(a.receptiveField)}`);
  return lines;
}

function nodesMarkdown(instances: NodeInstance[], opts: HoverOptions): string {
  const first = instances[0]!;
  const stale = opts.stale ? STALE : '';
  const many = spansModels(instances);
  const blocks: string[] = [];
  if (instances.length === 1) {
    blocks.push(`**${describeOp(first.node.op)}** ${code(instancePath(first, first.node.path, many))}${stale}`);
    blocks.push(code(shapes(first)));
    blocks.push(nodeDetails(first).join('  \n'));
  } else {
    const types = [...new Set(instances.map((i) => i.node.op.type))].join(', ');
    blocks.push(`**${types}** · ${instances.length} instances of this call${stale}`);
    const rows = instances.slice(0, MAX_ROWS).map((i) => {
      const a = i.analysis;
      const rf = a?.receptiveField ? formatSize(a.receptiveField.size) : '—';
      return `| ${cell(code(instancePath(i, i.node.path, many)))} | ${cell(shapes(i))} | ${a ? exactOrCompactCount(a.params.trainable + a.params.nonTrainable) : '?'} | ${a ? exactOrCompactCount(a.macs) : '?'} | ${rf} |`;
    });
    blocks.push(['| path | input → output | params | MACs | receptive field |', '|:--|:--|--:|--:|:--|', ...rows].join('\n'));
    blocks.push(...more(instances.length));
  }
  const problems = problemsOf(instances);
  if (problems.length > 0) blocks.push(problems.join('  \n'));
  return blocks.join('\n\n');
}

function groupSummary(g: GroupInstance): { shapes: string; layers: number; params: number; macs: number } {
  const first = g.members[0]?.analysis;
  const last = g.members.at(-1)?.analysis;
  let params = 0, macs = 0;
  for (const m of g.members) {
    params += (m.analysis?.params.trainable ?? 0) + (m.analysis?.params.nonTrainable ?? 0);
    macs += m.analysis?.macs ?? 0;
  }
  const input = first?.inputShapes[0];
  return { shapes: `${formatShape(input)} → ${formatShape(last?.outputShape)}`, layers: g.members.length, params, macs };
}

function groupsMarkdown(instances: GroupInstance[], opts: HoverOptions): string {
  const first = instances[0]!;
  const stale = opts.stale ? STALE : '';
  const many = spansModels(instances);
  if (instances.length === 1) {
    const s = groupSummary(first);
    return [
      `**${first.group.kind}** ${code(instancePath(first, first.path, many))}${stale}`,
      code(s.shapes),
      [`${plural(s.layers, 'layer')}`, `parameters: ${exactCountWithCompact(s.params)}`, `MACs: ${exactCountWithCompact(s.macs)}`].join('  \n'),
    ].join('\n\n');
  }
  const rows = instances.slice(0, MAX_ROWS).map((g) => {
    const s = groupSummary(g);
    return `| ${cell(code(instancePath(g, g.path, many)))} | ${cell(s.shapes)} | ${s.layers} | ${exactOrCompactCount(s.params)} | ${exactOrCompactCount(s.macs)} |`;
  });
  return [
    `**${first.group.kind}** · ${instances.length} instances of this call${stale}`,
    ['| path | input → output | layers | params | MACs |', '|:--|:--|--:|--:|--:|', ...rows].join('\n'),
    ...more(instances.length),
  ].join('\n\n');
}

function modelMarkdown(result: AnalyzedModel, opts: HoverOptions): string {
  const { model, analysis } = result;
  const t = analysis.totals;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = analysis.diagnostics.length - errors;
  const lines = [
    `${formatShape(model.inputShape)} → ${formatShape(t.outputShape)} · ${plural(model.nodes.length, 'layer')}`,
    `parameters: ${exactCountWithCompact(t.trainableParams)} trainable, ${exactCountWithCompact(t.nonTrainableParams)} non-trainable`,
    `MACs: ${exactCountWithCompact(t.macs)}`,
    `activations: ${byteSize(t.activationBytes)} per image`,
  ];
  if (errors + warnings > 0) lines.push(`problems: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  const exportLabel = result.exportName === 'default' ? 'export default' : `export ${result.exportName}`;
  return [`**${model.name}** · ${code(exportLabel)}${opts.stale ? STALE : ''}`, lines.join('  \n')].join('\n\n');
}

export function hoverMarkdown(target: Target, opts: HoverOptions): string {
  switch (target.kind) {
    case 'nodes': return nodesMarkdown(target.instances, opts);
    case 'groups': return groupsMarkdown(target.instances, opts);
    case 'model': return modelMarkdown(target.result, opts);
  }
}
