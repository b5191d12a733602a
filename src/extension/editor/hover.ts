import { describeOp, describeReceptiveField } from '../../analysis/describe';
import { formatShape, formatSize } from '../../analysis/format';
import type { AnalyzedModel, Diagnostic } from '../../analysis/types';
import { byteSize, exactCountWithCompact, exactOrCompactCount } from '../../shared/format';
import { tr } from '../../shared/l10n/translate';
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

const staleNote = () => ` *${tr('(stale: the file no longer evaluates)')}*`;

/** Markdown table cells must not contain a bare `|`. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function layerCount(n: number): string {
  return n === 1 ? tr('1 layer') : tr('{0} layers', n);
}

function errorCount(n: number): string {
  return n === 1 ? tr('1 error') : tr('{0} errors', n);
}

function warningCount(n: number): string {
  return n === 1 ? tr('1 warning') : tr('{0} warnings', n);
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
  return all.length > 3 ? [...all.slice(0, 3), tr('… and {0} more', all.length - 3)] : all;
}

function more(total: number): string[] {
  return total > MAX_ROWS ? [tr('… and {0} more', total - MAX_ROWS)] : [];
}

function nodeDetails(i: NodeInstance): string[] {
  const a = i.analysis;
  if (!a) return [tr('(no analysis for this layer)')];
  const lines: string[] = [];
  if (a.formula.length > 0) lines.push(tr('output size: {0}', a.formula.map(code).join(' · ')));
  lines.push(tr('parameters: {0} trainable, {1} non-trainable', exactCountWithCompact(a.params.trainable), exactCountWithCompact(a.params.nonTrainable)));
  lines.push(tr('MACs: {0}', exactCountWithCompact(a.macs)));
  lines.push(tr('receptive field: {0}', describeReceptiveField(a.receptiveField)));
  return lines;
}

function nodesMarkdown(instances: NodeInstance[], opts: HoverOptions): string {
  const first = instances[0]!;
  const stale = opts.stale ? staleNote() : '';
  const many = spansModels(instances);
  const blocks: string[] = [];
  if (instances.length === 1) {
    blocks.push(`**${describeOp(first.node.op)}** ${code(instancePath(first, first.node.path, many))}${stale}`);
    blocks.push(code(shapes(first)));
    blocks.push(nodeDetails(first).join('  \n'));
  } else {
    const types = [...new Set(instances.map((i) => i.node.op.type))].join(', ');
    blocks.push(`**${types}** · ${tr('{0} instances of this call', instances.length)}${stale}`);
    const rows = instances.slice(0, MAX_ROWS).map((i) => {
      const a = i.analysis;
      const rf = a?.receptiveField ? formatSize(a.receptiveField.size) : '—';
      return `| ${cell(code(instancePath(i, i.node.path, many)))} | ${cell(shapes(i))} | ${a ? exactOrCompactCount(a.params.trainable + a.params.nonTrainable) : '?'} | ${a ? exactOrCompactCount(a.macs) : '?'} | ${rf} |`;
    });
    blocks.push([`| ${[tr('path'), tr('input → output'), tr('params'), tr('MACs'), tr('receptive field')].join(' | ')} |`, '|:--|:--|--:|--:|:--|', ...rows].join('\n'));
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
  const stale = opts.stale ? staleNote() : '';
  const many = spansModels(instances);
  if (instances.length === 1) {
    const s = groupSummary(first);
    return [
      `**${first.group.kind}** ${code(instancePath(first, first.path, many))}${stale}`,
      code(s.shapes),
      [layerCount(s.layers), tr('parameters: {0}', exactCountWithCompact(s.params)), tr('MACs: {0}', exactCountWithCompact(s.macs))].join('  \n'),
    ].join('\n\n');
  }
  const rows = instances.slice(0, MAX_ROWS).map((g) => {
    const s = groupSummary(g);
    return `| ${cell(code(instancePath(g, g.path, many)))} | ${cell(s.shapes)} | ${s.layers} | ${exactOrCompactCount(s.params)} | ${exactOrCompactCount(s.macs)} |`;
  });
  return [
    `**${first.group.kind}** · ${tr('{0} instances of this call', instances.length)}${stale}`,
    [`| ${[tr('path'), tr('input → output'), tr('layers'), tr('params'), tr('MACs')].join(' | ')} |`, '|:--|:--|--:|--:|--:|', ...rows].join('\n'),
    ...more(instances.length),
  ].join('\n\n');
}

function modelMarkdown(result: AnalyzedModel, opts: HoverOptions): string {
  const { model, analysis } = result;
  const t = analysis.totals;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = analysis.diagnostics.length - errors;
  const lines = [
    `${formatShape(model.inputShape)} → ${formatShape(t.outputShape)} · ${layerCount(model.nodes.length)}`,
    tr('parameters: {0} trainable, {1} non-trainable', exactCountWithCompact(t.trainableParams), exactCountWithCompact(t.nonTrainableParams)),
    tr('MACs: {0}', exactCountWithCompact(t.macs)),
    tr('activations: {0} per image', byteSize(t.activationBytes)),
  ];
  if (errors + warnings > 0) lines.push(tr('problems: {0}, {1}', errorCount(errors), warningCount(warnings)));
  const exportLabel = result.exportName === 'default' ? 'export default' : `export ${result.exportName}`;
  return [`**${model.name}** · ${code(exportLabel)}${opts.stale ? staleNote() : ''}`, lines.join('  \n')].join('\n\n');
}

export function hoverMarkdown(target: Target, opts: HoverOptions): string {
  switch (target.kind) {
    case 'nodes': return nodesMarkdown(target.instances, opts);
    case 'groups': return groupsMarkdown(target.instances, opts);
    case 'model': return modelMarkdown(target.result, opts);
  }
}
