import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decompose, type SpTree } from '../../../../webview/graph/seriesParallel';

// The series-parallel decomposition on small graphs written out by hand: a chain, a residual,
// nested parallels, a long chain (no recursion along it), and graphs that are not
// series-parallel.

const edge = (v: string, w: string) => ({ v, w, data: `${v}>${w}` });

/** A compact text form: `a>b` for an edge, `(… · node · …)` for a series, `[… | …]` for a parallel. */
function show(t: SpTree<string>): string {
  if (t.kind === 'edge') return t.edge;
  if (t.kind === 'parallel') return `[${t.branches.map(show).sort().join(' | ')}]`;
  const out: string[] = [];
  t.parts.forEach((p, i) => {
    out.push(show(p));
    if (t.nodes[i] !== undefined) out.push(t.nodes[i]!);
  });
  return `(${out.join(' · ')})`;
}

test('a chain is one series, its nodes in order', () => {
  const t = decompose('s', 't', ['a', 'b'], [edge('s', 'a'), edge('a', 'b'), edge('b', 't')])!;
  assert.equal(show(t), '(s>a · a · a>b · b · b>t)');
});

test('a residual: the body and the shortcut are parallel branches between the fork and the add', () => {
  const t = decompose('s', 't', ['x', 'c1', 'c2', 'add'],
    [edge('s', 'x'), edge('x', 'c1'), edge('c1', 'c2'), edge('c2', 'add'), edge('x', 'add'), edge('add', 't')])!;
  assert.equal(show(t), '(s>x · x · [(x>c1 · c1 · c1>c2 · c2 · c2>add) | x>add] · add · add>t)');
});

test('parallels nest inside branches', () => {
  const t = decompose('s', 't', ['a', 'b', 'c', 'd', 'e'], [
    edge('s', 'a'), edge('s', 'b'), edge('a', 'c'), edge('b', 'c'),
    edge('c', 'd'), edge('c', 'e'), edge('d', 't'), edge('e', 't'),
  ])!;
  assert.equal(show(t), '([(s>a · a · a>c) | (s>b · b · b>c)] · c · [(c>d · d · d>t) | (c>e · e · e>t)])');
});

test('a chain of 100,000 nodes decomposes without deep recursion', () => {
  const nodes = Array.from({ length: 100_000 }, (_, i) => `n${i}`);
  const edges = [edge('s', 'n0'), ...nodes.slice(1).map((n, i) => edge(nodes[i]!, n)), edge(nodes.at(-1)!, 't')];
  const t = decompose('s', 't', nodes, edges)!;
  assert.equal(t.kind, 'series');
  assert.deepEqual(t.kind === 'series' ? t.nodes : [], nodes);
});

test('graphs that are not series-parallel, or have nodes off every source-to-sink path, give null', () => {
  // The "N" (Wheatstone bridge): a→d crosses the two paths.
  assert.equal(decompose('s', 't', ['a', 'b', 'c', 'd'], [
    edge('s', 'a'), edge('s', 'b'), edge('a', 'c'), edge('b', 'd'), edge('a', 'd'), edge('c', 't'), edge('d', 't'),
  ]), null);
  assert.equal(decompose('s', 't', ['a', 'loose'], [edge('s', 'a'), edge('a', 't')]), null);
  assert.equal(decompose('s', 't', ['a'], [edge('s', 'a'), edge('a', 'nowhere')]), null);
});
