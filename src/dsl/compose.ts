import { tr } from '../shared/l10n/translate';
import { callSite } from './callsite';
import type { GroupKind, SourceRange } from './ir';
import type { LayerDesc } from './layers';
import { Checker } from './validate';

// Composition: groups of layers. Nesting in arrays means sequence.

/** A group of layers (`block`, `parallel`, `residual`); put it in a layer list. */
export interface GroupDesc {
  readonly __cnn: 'group';
  readonly kind: GroupKind;
  readonly name: string | undefined;
  /** One list for a block; one per branch for parallel and residual. */
  readonly branches: readonly LayerList[];
  readonly merge: 'add' | 'concat' | null;
  readonly source: SourceRange | null;
}

/** What a layer list holds: layers, groups, or nested layer lists (nesting means sequence). */
export type LayerItem = LayerDesc | GroupDesc | LayerList;
/** A sequence of layers; nested lists are flattened. */
export type LayerList = readonly LayerItem[];

function isDesc(value: unknown): value is LayerDesc | GroupDesc {
  if (typeof value !== 'object' || value === null) return false;
  const tag = (value as { __cnn?: unknown }).__cnn;
  return tag === 'layer' || tag === 'group';
}

/** Checks a layer list deeply, so that a stray value is reported where the list was passed. */
export function checkLayerList(c: Checker, value: unknown, what: string): LayerList {
  if (!Array.isArray(value)) c.fail(tr('{0} must be a list of layers, got {1}', what, value === null ? 'null' : typeof value));
  value.forEach((item, i) => {
    if (Array.isArray(item)) checkLayerList(c, item, `${what}[${i}]`);
    else if (!isDesc(item)) {
      c.fail(typeof item === 'function'
        ? tr('{0} is not a layer (a layer function that was not called? write relu(), not relu)', `${what}[${i}]`)
        : tr('{0} is not a layer', `${what}[${i}]`));
    }
  });
  return value as LayerList;
}

/**
 * A named group of layers: one collapsible node in the graph, and a prefix `name/` in layer paths.
 * @param name The block's name (unique within the model).
 * @param layers The block's layer list.
 * @example block('stage1', [conv2d(64, 3, { padding: 1 }), relu()])
 */
export function block(name: string, layers: LayerList): GroupDesc {
  const c = new Checker('block', callSite());
  c.arity(arguments, 2, 'name, layers');
  if (typeof name !== 'string' || name.length === 0) c.fail(tr("the first argument must be the block's name"));
  const n = c.name(name);
  return { __cnn: 'group', kind: 'block', name: n, branches: [checkLayerList(c, layers, 'layers')], merge: null, source: c.at };
}

/** Options of `parallel`. */
export interface ParallelOptions {
  /** How branch outputs combine: `'concat'` along channels (default) or `'add'` (same shapes). */
  merge?: 'concat' | 'add';
  /** The merge layer's name. */
  name?: string;
}

/**
 * Runs each branch on the same input and merges the outputs (Inception, DenseNet).
 * @param branches Layer lists, one per branch; `[]` is the identity.
 * @param opts `merge`: `'concat'` (default, along channels) or `'add'`; `name`.
 * @example parallel([[conv2d(64, 1)], [conv2d(96, 1), conv2d(128, 3, { padding: 1 })]])
 */
export function parallel(branches: readonly LayerList[], opts?: ParallelOptions): GroupDesc {
  const c = new Checker('parallel', callSite());
  c.arity(arguments, 2, 'branches, options');
  const o = c.options(opts, ['merge', 'name']);
  if (!Array.isArray(branches) || branches.length === 0) c.fail(tr('branches must be a non-empty list of layer lists'));
  branches.forEach((b, i) => { if (!Array.isArray(b)) c.fail(tr('{0} must be a layer list ([] is identity)', `branches[${i}]`)); });
  return {
    __cnn: 'group',
    kind: 'parallel',
    name: c.name(o.name),
    branches: branches.map((b, i) => checkLayerList(c, b, `branches[${i}]`)),
    merge: o.merge === undefined ? 'concat' : c.oneOf(o.merge, 'merge', ['concat', 'add'] as const),
    source: c.at,
  };
}

/** Options of `residual`. */
export interface ResidualOptions {
  /** The shortcut path's layer list (e.g. a 1×1 strided conv); default identity. */
  shortcut?: LayerList;
  /** The `add` layer's name. */
  name?: string;
}

/**
 * A residual connection: `main(x) + shortcut(x)` (ResNet).
 * @param main The main path's layer list.
 * @param opts `shortcut` (a layer list; default identity), `name`.
 * @example residual([conv2d(64, 3, { padding: 1 }), batchNorm()])
 */
export function residual(main: LayerList, opts?: ResidualOptions): GroupDesc {
  const c = new Checker('residual', callSite());
  c.arity(arguments, 2, 'main, options');
  const o = c.options(opts, ['shortcut', 'name']);
  return {
    __cnn: 'group',
    kind: 'residual',
    name: c.name(o.name),
    branches: [checkLayerList(c, main, 'main'), o.shortcut === undefined ? [] : checkLayerList(c, o.shortcut, 'shortcut')],
    merge: 'add',
    source: c.at,
  };
}

/**
 * `fn(i)` for `i = 0 … n − 1`, concatenated into one layer list.
 * @param n How many times.
 * @param fn Returns a layer or a layer list for index `i`.
 * @example repeat(3, (i) => [conv2d(64, 3, { padding: 1 }), relu()])
 */
export function repeat(n: number, fn: (i: number) => LayerItem): LayerList {
  const c = new Checker('repeat', callSite());
  c.arity(arguments, 2, 'n, fn');
  c.nonNegativeInt(n, 'n');
  if (typeof fn !== 'function') c.fail(tr('the second argument must be a function i => layers'));
  const out: LayerItem[] = [];
  for (let i = 0; i < n; i++) {
    const item = fn(i);
    if (Array.isArray(item)) out.push(checkLayerList(c, item, `fn(${i})`));
    else if (isDesc(item)) out.push(item);
    else c.fail(tr('{0} returned something that is not a layer or a layer list', `fn(${i})`));
  }
  return out;
}
