import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphLayout } from '../../../../webview/graph/layout';
import { contains, grown, SpatialIndex } from '../../../../webview/graph/spatialIndex';

// The grid that tells the renderer what lies on screen: boxes, clusters and edge routes (with
// their labels) found by any rectangle that touches them, across cell borders, and nothing else.

function layout(): GraphLayout {
  const nodes = new Map([
    ['a', { key: 'a', x: 0, y: 0, width: 80, height: 40 }],
    ['b', { key: 'b', x: 0, y: 5000, width: 80, height: 40 }],
    ['wide', { key: 'wide', x: 500, y: 100, width: 100, height: 40 }],
  ]);
  const edges = new Map([
    ['a→b', { key: 'a→b', points: [{ x: 40, y: 40 }, { x: 40, y: 5000 }], label: { x: 90, y: 2500 } }],
  ]);
  const clusters = new Map([['c', { key: 'c', x: -10, y: 4900, width: 200, height: 200 }]]);
  return { nodes, edges, clusters, width: 700, height: 5200 };
}

const sorted = (s: Set<string>) => [...s].sort();

test('a rectangle finds what it touches and nothing else', () => {
  const index = new SpatialIndex(layout());
  const top = index.query({ x: 0, y: 0, width: 400, height: 300 });
  assert.deepEqual(sorted(top.nodes), ['a']);
  assert.deepEqual(sorted(top.edges), ['a→b']);
  assert.deepEqual(sorted(top.clusters), []);
  const bottom = index.query({ x: 0, y: 4950, width: 50, height: 50 });
  assert.deepEqual(sorted(bottom.nodes), ['b']);
  assert.deepEqual(sorted(bottom.clusters), ['c']);
  // The middle of the long edge, far from both its ends, still finds it.
  assert.deepEqual(sorted(index.query({ x: 30, y: 2400, width: 20, height: 20 }).edges), ['a→b']);
  // A node across a cell border (512) is found from either side.
  assert.deepEqual(sorted(index.query({ x: 590, y: 100, width: 5, height: 5 }).nodes), ['wide']);
  assert.deepEqual(sorted(index.query({ x: 505, y: 100, width: 5, height: 5 }).nodes), ['wide']);
  assert.deepEqual(sorted(index.query({ x: 300, y: 1000, width: 100, height: 100 }).nodes), []);
});

test('rectangles grow by their own size and contain what lies inside them', () => {
  assert.deepEqual(grown({ x: 10, y: 20, width: 100, height: 50 }, 1), { x: -90, y: -30, width: 300, height: 150 });
  assert.ok(contains({ x: 0, y: 0, width: 10, height: 10 }, { x: 1, y: 1, width: 9, height: 9 }));
  assert.ok(!contains({ x: 0, y: 0, width: 10, height: 10 }, { x: 1, y: 1, width: 10, height: 9 }));
});
