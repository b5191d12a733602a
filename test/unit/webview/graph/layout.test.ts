import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { describeOp } from '../../../../src/analysis/describe';
import { targetsAt } from '../../../../src/extension/graph/cursor';
import { graphContentSecurityPolicy, graphHtml } from '../../../../src/extension/graph/html';
import { allChoices, defaultCollapsed, resolveCollapsed } from '../../../../webview/graph/groups';
import { layoutGraph, type Box, type TextMeasure } from '../../../../webview/graph/layout';
import { layoutInputOf, measureFrom, measureTexts } from '../../../../webview/graph/layoutProtocol';
import { indexModel } from '../../../../webview/graph/modelIndex';
import { neighbour } from '../../../../webview/graph/navigation';
import { fieldAt, positionNear } from '../../../../webview/graph/receptiveField';
import { buildViewGraph, INPUT_KEY } from '../../../../webview/graph/viewGraph';
import { analyzedExample } from '../../../support/graphHarness';
import { EXAMPLES_DIR } from '../../../support/paths';

// The graph view's pure parts in Node, on real examples and real analysis: what is visible for
// a collapse state, that the layout keeps nodes apart and inside their groups, label text,
// cursor → node matching, the receptive-field arithmetic, the page's CSP.

const measure: TextMeasure = { title: (t) => t.length * 7, subtitle: (t) => t.length * 6, label: (t) => t.length * 6 };

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
function inside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width
    && inner.y + inner.height <= outer.y + outer.height;
}

function onBorder(p: { x: number; y: number }, b: Box): boolean {
  const near = (a: number, v: number) => Math.abs(a - v) < 1;
  const withinX = p.x > b.x - 1 && p.x < b.x + b.width + 1;
  const withinY = p.y > b.y - 1 && p.y < b.y + b.height + 1;
  return (withinX && (near(p.y, b.y) || near(p.y, b.y + b.height))) || (withinY && (near(p.x, b.x) || near(p.x, b.x + b.width)));
}

const examples = fs.readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.cnn.ts')).map((f) => f.replace(/\.cnn\.ts$/, ''));

test('every example lays out, expanded and as first shown: no two nodes overlap, every node is inside its groups', async () => {
  assert.ok(examples.length >= 5, `expected the examples, found ${examples.join(', ')}`);
  for (const name of examples) {
    const { graph } = await analyzedExample(name);
    const index = indexModel(graph);
    for (const collapsed of [new Set<string>(), defaultCollapsed(index)]) {
      const view = buildViewGraph(index, collapsed);
      if (collapsed.size === 0) assert.equal(view.nodes.length, graph.model.nodes.length + 1, `${name}: every layer and the input are drawn`);
      const layout = layoutGraph(view, measure);
      const boxes = view.nodes.map((n) => ({ key: n.key, box: layout.nodes.get(n.key)! }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          assert.ok(!overlaps(boxes[i]!.box, boxes[j]!.box), `${name}: ${boxes[i]!.key} overlaps ${boxes[j]!.key}`);
        }
      }
      for (const n of view.nodes) {
        for (let c = n.parent; c !== null; c = view.clusters.find((x) => x.key === c)!.parent) {
          assert.ok(inside(layout.nodes.get(n.key)!, layout.clusters.get(c)!), `${name}: ${n.key} outside ${c}`);
        }
      }
      for (const e of view.edges) {
        const route = layout.edges.get(e.key)!;
        assert.ok(route.points.length >= 2, `${name}: edge ${e.key} has a route`);
        // An edge runs from its source's border to its target's border.
        assert.ok(onBorder(route.points[0]!, layout.nodes.get(e.from)!), `${name}: ${e.key} starts at its source`);
        assert.ok(onBorder(route.points.at(-1)!, layout.nodes.get(e.to)!), `${name}: ${e.key} ends at its target`);
      }
    }
  }
});

test('the layout worker, given only what the layout reads and the view\'s text widths, lays out as the page does', async () => {
  for (const name of ['resnet18', 'googlenet']) {
    const { graph } = await analyzedExample(name);
    const index = indexModel(graph);
    const view = buildViewGraph(index, resolveCollapsed(index, allChoices(index, false)));
    // As the worker gets them: copied by structured clone.
    const inWorker = layoutGraph(structuredClone(layoutInputOf(view)), measureFrom(structuredClone(measureTexts(view, measure))));
    assert.deepEqual(inWorker, layoutGraph(view, measure), name);
  }
});

test('large models open with groups collapsed to a readable size; small ones fully expanded', async () => {
  const lenet = indexModel((await analyzedExample('lenet')).graph);
  assert.equal(defaultCollapsed(lenet).size, 0);

  const r50 = indexModel((await analyzedExample('resnet50')).graph);
  const collapsed = defaultCollapsed(r50);
  const residuals = r50.model.groups.filter((g) => g.kind === 'residual');
  assert.equal(residuals.length, 16, 'ResNet-50 has 3+4+6+3 residual blocks');
  assert.deepEqual([...collapsed].sort(), residuals.map((g) => g.id).sort(), 'its residual blocks start collapsed');
  const view = buildViewGraph(r50, collapsed);
  assert.equal(view.nodes.filter((n) => n.kind === 'group').length, 16);
  assert.ok(view.nodes.length <= 120, `${view.nodes.length} nodes`);
  // Edges out of a collapsed residual carry its output shape.
  const first = view.nodes.find((n) => n.kind === 'group')!;
  assert.deepEqual(view.edges.filter((e) => e.from === first.key).map((e) => e.label), ['56×56×256']);

  // The user's choice wins over the default, by a key that survives edits.
  const key = r50.groupKey.get(residuals[0]!.id)!;
  assert.equal(key, 'block:layer1/block:layer1.0/residual:residual_1');
  assert.ok(!resolveCollapsed(r50, { [key]: false }).has(residuals[0]!.id));
  assert.equal(resolveCollapsed(r50, allChoices(r50, false)).size, 0);
  const top = buildViewGraph(r50, resolveCollapsed(r50, allChoices(r50, true)));
  assert.deepEqual(top.nodes.filter((n) => n.kind === 'group').map((n) => n.title), ['stem', 'layer1', 'layer2', 'layer3', 'layer4']);
  assert.equal(top.clusters.length, 0);
});

test('node labels name the layer type and its non-default hyperparameters', async () => {
  const { graph } = await analyzedExample('lenet');
  const view = buildViewGraph(indexModel(graph), new Set());
  assert.deepEqual(view.nodes.map((n) => `${n.title} | ${n.subtitle}`), [
    'input | 28×28×1',
    'conv 6 · 5×5 · p2 | 28×28×6', 'sigmoid | 28×28×6', 'avgpool · 2×2 | 14×14×6',
    'conv 16 · 5×5 | 10×10×16', 'sigmoid | 10×10×16', 'avgpool · 2×2 | 5×5×16',
    'flatten | 400', 'dense 120 | 120', 'sigmoid | 120', 'dense 84 | 84', 'sigmoid | 84', 'dense 10 | 10',
  ]);
  assert.equal(view.edges[0]!.from, INPUT_KEY);
  assert.equal(view.edges[0]!.label, '28×28×1');
  assert.equal(describeOp({ type: 'conv2d', filters: 32, kernel: [3, 1], stride: [2, 2], padding: 'same', dilation: [2, 2], groups: 4, bias: false, activation: 'relu' }),
    'conv 32 · 3×1 · s2 · same · d2 · g4 · relu');
  assert.equal(describeOp({ type: 'maxPool2d', kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: false }), 'maxpool · 3×3 · s2 · p1');
});

test('arrow keys follow edges down and up, and step sideways within a row', async () => {
  const { graph } = await analyzedExample('googlenet');
  const index = indexModel(graph);
  const view = buildViewGraph(index, new Set());
  const layout = layoutGraph(view, measure);
  assert.equal(neighbour(view, layout, INPUT_KEY, 'down'), 'n:b1/conv2d_1');
  assert.equal(neighbour(view, layout, 'n:b1/conv2d_1', 'up'), INPUT_KEY);
  // The first Inception module's branches sit side by side.
  const concat = view.nodes.find((n) => n.id.endsWith('concat_1'))!;
  const producers = view.edges.filter((e) => e.to === concat.key).map((e) => e.from);
  const leftmost = producers.sort((a, b) => layout.nodes.get(a)!.x - layout.nodes.get(b)!.x)[0]!;
  const right = neighbour(view, layout, leftmost, 'right')!;
  assert.ok(layout.nodes.get(right)!.x > layout.nodes.get(leftmost)!.x);
  assert.equal(neighbour(view, layout, right, 'left'), leftmost);
});

test('the cursor on a call selects the innermost call\'s nodes, in the model file and in helper modules', async () => {
  const { file, graph } = await analyzedExample('lenet');
  const model = graph.model;
  const conv = model.nodes[0]!;
  const s = conv.source!;
  assert.deepEqual(targetsAt(model, file, s.line, s.column), { nodeIds: ['conv2d_1'], groupIds: [] });
  assert.deepEqual(targetsAt(model, file, s.endLine, s.endColumn), { nodeIds: ['conv2d_1'], groupIds: [] });
  // Between calls: the model(...) call itself, which makes no node.
  assert.deepEqual(targetsAt(model, file, s.line, s.column - 1), { nodeIds: [], groupIds: [] });
  assert.deepEqual(targetsAt(model, '/elsewhere.ts', s.line, s.column), { nodeIds: [], groupIds: [] });

  // ResNet-50's blocks come from a helper: one call in examples/lib/resnet.ts makes 16 residuals.
  const r50 = (await analyzedExample('resnet50')).graph.model;
  const residual = r50.groups.find((g) => g.kind === 'residual')!;
  const at = residual.source!;
  assert.match(at.file, /lib[/\\]resnet\.ts$/);
  const onResidual = targetsAt(r50, at.file, at.line, at.column);
  assert.equal(onResidual.groupIds.length, 16, 'every residual made by that call');
  assert.equal(onResidual.nodeIds.length, 16, 'and the add node of each');
});

test('receptive-field arithmetic: the field of an output position and the position under a point', () => {
  // LeNet's first conv: 5×5, padding 2, so output (0, 0) sees rows −2…2.
  const rf = { size: [5, 5] as [number, number], jump: [1, 1] as [number, number], start: [0, 0] as [number, number] };
  assert.deepEqual(fieldAt(rf, 0, 0), { top: -2, bottom: 2, left: -2, right: 2 });
  assert.deepEqual(fieldAt(rf, 3, 27), { top: 1, bottom: 5, left: 25, right: 29 });
  const pooled = { size: [6, 6] as [number, number], jump: [2, 2] as [number, number], start: [0.5, 0.5] as [number, number] };
  assert.deepEqual(fieldAt(pooled, 1, 0), { top: 0, bottom: 5, left: -2, right: 3 });
  assert.deepEqual(positionNear(pooled, [14, 14, 6], 2.6, 100), [1, 13]);
  assert.deepEqual(positionNear(pooled, [14, 14, 6], -50, 0), [0, 0]);
});

test('the page has a strict CSP: scripts by nonce only, no inline styles, no remote origins', () => {
  const csp = graphContentSecurityPolicy('https://x.vscode-cdn.net', 'abc123');
  assert.equal(csp, "default-src 'none'; script-src 'nonce-abc123'; style-src https://x.vscode-cdn.net; "
    + 'font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data: blob:; '
    // The layout worker: its script fetched from the extension, then started from a Blob URL.
    + 'connect-src https://x.vscode-cdn.net; worker-src blob:');
  const html = graphHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/graph.js', styleUri: 'https://x/graph.css' });
  const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(html)![1]!;
  assert.ok(nonce.length >= 16);
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://x/graph.js">`));
  assert.ok(!/unsafe-inline|unsafe-eval|<style/.test(html));
  assert.notEqual(nonce, /script-src 'nonce-([A-Za-z0-9]+)'/.exec(graphHtml({ cspSource: 'a', scriptUri: 'b', styleUri: 'c' }))![1]);
});
