import { callSite } from './callsite';
import type { GroupKind, SourceRange } from './ir';
import type { LayerDesc } from './layers';
import { Checker } from './validate';

// Composition: groups of layers. Nesting in arrays means sequence.

export interface GroupDesc {
  readonly __cnn: 'group';
  readonly kind: GroupKind;
  readonly name: string | undefined;
  /** One list for a block; one per branch for parallel and residual. */
  readonly branches: readonly LayerList[];
  readonly merge: 'add' | 'concat' | null;
  readonly source: SourceRange | null;
}

export type LayerItem = LayerDesc | GroupDesc | LayerList;
export type LayerList = readonly LayerItem[];

export function isDesc(value: unknown): value is LayerDesc | GroupDesc {
  if (typeof value !== 'object' || value === null) return false;
  const tag = (value as { __cnn?: unknown }).__cnn;
  return tag === 'layer' || tag === 'group';
}

/** Checks a layer list deeply, so that a stray value is reported where the list was passed. */
export function checkLayerList(c: Checker, value: unknown, what: string): LayerList {
  if (!Array.isArray(value)) c.fail(`${what} must be a list of layers, got ${value === null ? 'null' : typeof value}`);
  value.forEach((item, i) => {
    if (Array.isArray(item)) checkLayerList(c, item, `${what}[${i}]`);
    else if (!isDesc(item)) {
      const hint = typeof item === 'function' ? ' (a layer function that was not called? write relu(), not relu)' : '';
      c.fail(`${what}[${i}] is not a layer${hint}`);
    }
  });
  return value as LayerList;
}

export function block(name: string, layers: LayerList): GroupDesc {
  const c = new Checker('block', callSite());
  c.arity(arguments, 2, 'name, layers');
  if (typeof name !== 'string' || name.length === 0) c.fail('the first argument must be the block\'s name');
  const n = c.name(name);
  return { __cnn: 'group', kind: 'block', name: n, branches: [checkLayerList(c, layers, 'layers')], merge: null, source: c.at };
}

export interface ParallelOptions { merge?: 'concat' | 'add'; name?: string }

export function parallel(branches: readonly LayerList[], opts?: ParallelOptions): GroupDesc {
  const c = new Checker('parallel', callSite());
  c.arity(arguments, 2, 'branches, options');
  const o = c.options(opts, ['merge', 'name']);
  if (!Array.isArray(branches) || branches.length === 0) c.fail('branches must be a non-empty list of layer lists');
  branches.forEach((b, i) => { if (!Array.isArray(b)) c.fail(`branches[${i}] must be a layer list ([] is identity)`); });
  return {
    __cnn: 'group',
    kind: 'parallel',
    name: c.name(o.name),
    branches: branches.map((b, i) => checkLayerList(c, b, `branches[${i}]`)),
    merge: o.merge === undefined ? 'concat' : c.oneOf(o.merge, 'merge', ['concat', 'add'] as const),
    source: c.at,
  };
}

export interface ResidualOptions { shortcut?: LayerList; name?: string }

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

export function repeat(n: number, fn: (i: number) => LayerItem): LayerList {
  const c = new Checker('repeat', callSite());
  c.arity(arguments, 2, 'n, fn');
  c.nonNegativeInt(n, 'n');
  if (typeof fn !== 'function') c.fail('the second argument must be a function i => layers');
  const out: LayerItem[] = [];
  for (let i = 0; i < n; i++) {
    const item = fn(i);
    if (Array.isArray(item)) out.push(checkLayerList(c, item, `fn(${i})`));
    else if (isDesc(item)) out.push(item);
    else c.fail(`fn(${i}) returned something that is not a layer or a layer list`);
  }
  return out;
}
