import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Scope } from '../../../../webview/graph/geometry';
import { layoutGraph, type TextMeasure } from '../../../../webview/graph/layout';
import { indexModel } from '../../../../webview/graph/modelIndex';
import { layoutSeriesParallel } from '../../../../webview/graph/seriesParallelLayout';
import { buildViewGraph } from '../../../../webview/graph/viewGraph';
import { analyzedFile } from '../../../support/graphHarness';

// The structural layout on real DSL graphs: a residual's body stays in line with the chain and
// its identity shortcut bends round it on the right; a parallel's branches start on one row,
// side by side in model order; a loop of many units keeps every node apart. And a scope that is
// not series-parallel is left to the general layout.

const measure: TextMeasure = { title: (t) => t.length * 7, subtitle: (t) => t.length * 6, label: (t) => t.length * 6 };

async function laidOut(body: string) {
  const text = `import { model, conv2d, batchNorm, relu, block, residual, parallel, repeat, flatten, dense } from 'cnn-explorer';\nexport default ${body};\n`;
  const { graph } = await analyzedFile(path.join(os.tmpdir(), 'layout-test.cnn.ts'), text);
  const view = buildViewGraph(indexModel(graph), new Set());
  return { graph, view, layout: layoutGraph(view, measure) };
}

const centreX = (b: { x: number; width: number }) => b.x + b.width / 2;

test('a residual: the body in line with the layers before and after, the identity shortcut to its right', async () => {
  const { view, layout } = await laidOut(`model('r', [8, 8, 4], [conv2d(4, 1), residual([conv2d(4, 3, { padding: 1 }), relu()]), relu()])`);
  const key = (type: string, nth = 0) => view.nodes.filter((n) => n.id.startsWith(type))[nth]!.key;
  const fork = layout.nodes.get(key('conv2d'))!;
  const body = layout.nodes.get(key('conv2d', 1))!;
  const add = layout.nodes.get(key('add'))!;
  assert.equal(centreX(body), centreX(fork));
  assert.equal(centreX(add), centreX(fork));
  assert.ok(body.y > fork.y && add.y > body.y);
  const shortcut = layout.edges.get(`${key('conv2d')}→${key('add')}`)!;
  assert.ok(shortcut.points.some((p) => p.x > body.x + body.width), 'the shortcut passes right of the body');
});

test('a parallel: branches side by side in model order, their first layers on one row', async () => {
  const { view, layout } = await laidOut(`model('p', [8, 8, 4], [parallel([[conv2d(4, 1)], [conv2d(8, 3, { padding: 1 }), relu()], [batchNorm()]])])`);
  const firsts = ['conv2d_1', 'conv2d_2', 'batchNorm_1'].map((id) => layout.nodes.get(view.keyOfNode.get(id)!)!);
  assert.deepEqual(firsts.map((b) => b.y), [firsts[0]!.y, firsts[0]!.y, firsts[0]!.y]);
  assert.ok(firsts[0]!.x + firsts[0]!.width < firsts[1]!.x && firsts[1]!.x + firsts[1]!.width < firsts[2]!.x);
});

test('a loop of 200 units: every node apart from every other, every edge from border to border', async () => {
  const { graph, view, layout } = await laidOut(`model('loop', [8, 8, 4], [repeat(200, (i) => block(\`u\${i}\`, i % 3 === 0
    ? [parallel([[conv2d(4, 1)], [batchNorm(), relu()]], { merge: 'add' })]
    : [residual([conv2d(4, 3, { padding: 1 }), batchNorm()]), relu()])), flatten(), dense(2)])`);
  assert.ok(graph.model.nodes.length > 600);
  const boxes = [...layout.nodes.values()].sort((a, b) => a.y - b.y);
  // Sorted by top: a box can only overlap the boxes that start before it ends.
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j]!.y < boxes[i]!.y + boxes[i]!.height; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      assert.ok(a.x + a.width <= b.x || b.x + b.width <= a.x, `${a.key} overlaps ${b.key}`);
    }
  }
  for (const e of view.edges) {
    const route = layout.edges.get(e.key)!;
    const from = layout.nodes.get(e.from)!;
    const to = layout.nodes.get(e.to)!;
    assert.equal(route.points[0]!.y, from.y + from.height, `${e.key} leaves its source's bottom`);
    assert.equal(route.points.at(-1)!.y, to.y, `${e.key} enters its target's top`);
  }
});

test('a scope that is not series-parallel is not laid out here (the general layout takes it)', () => {
  const item = (key: string) => ({ key, width: 84, height: 40 });
  const seg = (v: string, w: string) => [`${v}\u0000${w}`, { v, w, label: null }] as const;
  const bridge: Scope = {
    key: null,
    items: ['a', 'b', 'c', 'd'].map(item),
    segments: new Map([seg('a', 'b'), seg('a', 'c'), seg('b', 'c'), seg('b', 'd'), seg('c', 'd')]),
  };
  assert.equal(layoutSeriesParallel(bridge, (t) => t.length * 6, 16), null);
  const chain: Scope = { key: null, items: ['a', 'b'].map(item), segments: new Map([seg('a', 'b')]) };
  assert.ok(layoutSeriesParallel(chain, (t) => t.length * 6, 16));
});
