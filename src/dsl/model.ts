import { tr } from '../shared/l10n/translate';
import { callSite } from './callsite';
import { checkLayerList, type GroupDesc, type LayerList } from './compose';
import { LocatedError } from './errors';
import { INPUT_ID, type IRGroup, type IRNode, type LayerType, type ModelIR, type SourceRange } from './ir';
import type { LayerDesc } from './layers';
import { Checker } from './validate';

/**
 * A model: its name, input shape and layers. Export it (`export default model(…)`) to explore it.
 * @param name The model's name.
 * @param inputShape `[height, width, channels]`, or `[features]` for a flat input.
 * @param layers The layer list, in order; nested lists are flattened.
 * @example export default model('LeNet-5', [28, 28, 1], [conv2d(6, 5, { padding: 2 }), sigmoid(), …])
 */
export function model(name: string, inputShape: number[], layers: LayerList): ModelIR {
  const c = new Checker('model', callSite());
  c.arity(arguments, 3, 'name, inputShape, layers');
  if (typeof name !== 'string' || name.length === 0) c.fail(tr("the first argument must be the model's name"));
  if (!Array.isArray(inputShape) || (inputShape.length !== 3 && inputShape.length !== 1)) {
    c.fail(tr('inputShape must be [height, width, channels] or [features]'));
  }
  const shape = inputShape.map((v, i) => c.positiveInt(v, `inputShape[${i}]`));
  const builder = new GraphBuilder();
  const output = builder.sequence(checkLayerList(c, layers, 'layers'), INPUT_ID, [], []);
  return {
    kind: 'cnn-explorer.model',
    name,
    inputShape: shape,
    nodes: builder.nodes,
    groups: builder.groups,
    output,
    source: c.at,
  };
}

class GraphBuilder {
  readonly nodes: IRNode[] = [];
  readonly groups: IRGroup[] = [];
  private readonly counts = new Map<string, number>();
  private readonly used = new Map<string, SourceRange | null>();

  /** Appends a layer list after `input`; returns the id of its last node. */
  sequence(list: LayerList, input: string, groups: string[], prefix: string[]): string {
    let current = input;
    for (const item of list) {
      if (Array.isArray(item)) current = this.sequence(item, current, groups, prefix);
      else if ((item as LayerDesc | GroupDesc).__cnn === 'layer') current = this.layer(item as LayerDesc, current, groups, prefix);
      else current = this.group(item as GroupDesc, current, groups, prefix);
    }
    return current;
  }

  private nextName(type: string): string {
    const n = (this.counts.get(type) ?? 0) + 1;
    this.counts.set(type, n);
    return `${type}_${n}`;
  }

  private claim(explicit: string | undefined, type: LayerType, source: SourceRange | null): string {
    const auto = this.nextName(type);
    const name = explicit ?? auto;
    if (this.used.has(name)) {
      const other = this.used.get(name);
      throw new LocatedError(other
        ? tr("duplicate layer name '{0}' (also at line {1}, column {2}): names must be unique within a model", name, other.line, other.column)
        : tr("duplicate layer name '{0}': names must be unique within a model", name), source);
    }
    this.used.set(name, source);
    return name;
  }

  private layer(desc: LayerDesc, input: string, groups: string[], prefix: string[]): string {
    const name = this.claim(desc.name, desc.op.type, desc.source);
    const path = [...prefix, name].join('/');
    this.nodes.push({ id: path, name, path, op: desc.op, inputs: [input], groups, source: desc.source });
    return path;
  }

  private group(desc: GroupDesc, input: string, outer: string[], prefix: string[]): string {
    const id = `${desc.kind}:${this.groups.length + 1}`;
    const name = desc.merge === null ? desc.name! : desc.name ?? this.nextName(desc.kind);
    this.groups.push({ id, name, kind: desc.kind, parent: outer.at(-1) ?? null, source: desc.source });
    const inner = [...outer, id];
    if (desc.merge === null) return this.sequence(desc.branches[0]!, input, inner, [...prefix, name]);
    const outputs = desc.branches.map((branch) => this.sequence(branch, input, inner, prefix));
    const mergeName = this.claim(desc.name, desc.merge, desc.source);
    const path = [...prefix, mergeName].join('/');
    this.nodes.push({ id: path, name: mergeName, path, op: { type: desc.merge }, inputs: outputs, groups: inner, source: desc.source });
    return path;
  }
}
