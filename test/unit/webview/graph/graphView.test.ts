import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { GraphToExtension } from '../../../../src/shared/messages';
import {
  analyzedExample, analyzedFile, buildGraphBundle, launchChromium, openGraphPage, updateMessage, type GraphPage,
} from '../../../support/graphHarness';

// The graph webview bundle in headless Chromium, on the page the extension serves (same CSP),
// fed real examples through the real loader and analysis, as the extension would post them.
// Only the VS Code transport is stubbed. Chromium missing is a failure, not a skip.

let browser: Browser;
let bundle: string;
const pages: GraphPage[] = [];

before(async () => {
  [bundle, browser] = await Promise.all([buildGraphBundle(), launchChromium()]);
});

after(async () => {
  for (const p of pages) {
    assert.deepEqual(await p.violations(), [], 'no Content-Security-Policy violations');
    assert.deepEqual(p.errors, [], 'no errors in the page');
  }
  await browser?.close();
});

async function open(opts?: Parameters<typeof openGraphPage>[2]): Promise<GraphPage> {
  const p = await openGraphPage(browser, bundle, opts);
  pages.push(p);
  return p;
}

async function showExample(p: GraphPage, name: string) {
  const { file, graph } = await analyzedExample(name);
  await p.send(updateMessage(file, graph));
  await p.page.waitForSelector('svg.graph g.node');
  return { file, graph };
}

async function lastPosted(p: GraphPage, type: GraphToExtension['type']): Promise<GraphToExtension | undefined> {
  return (await p.posted()).filter((m) => m.type === type).at(-1);
}

test('hovering a node shows its input and output shapes, the size formula, parameters, MACs and receptive field', async () => {
  const p = await open();
  const { graph } = await showExample(p, 'lenet');
  await p.page.hover('g.node[data-node-id="conv2d_1"]');
  const tooltip = p.page.locator('#graph-tooltip');
  await tooltip.waitFor({ state: 'visible' });
  const text = await tooltip.innerText();
  assert.match(text, /conv2d_1/);
  assert.match(text, /input\s+28×28×1/);
  assert.match(text, /output\s+28×28×6/);
  const conv = graph.analysis.nodes.find((n) => n.id === 'conv2d_1')!;
  assert.deepEqual(conv.formula, ['h: ⌊(28 − 5 + 2·2)/1⌋ + 1 = 28', 'w: ⌊(28 − 5 + 2·2)/1⌋ + 1 = 28']);
  for (const line of conv.formula) assert.ok(text.includes(line), `the tooltip shows "${line}":\n${text}`);
  assert.match(text, /params\s+156 trainable/);
  assert.match(text, /MACs\s+117,600/);
  assert.match(text, /receptive field\s+5×5 · jump 1 · centre \(0, 0\)/);

  await p.page.hover('g.node[data-node-id="avgPool2d_2"]');
  await p.page.waitForFunction(() => document.querySelector('#graph-tooltip')?.textContent?.includes('avgPool2d_2'));
  assert.match(await tooltip.innerText(), /input\s+10×10×16[\s\S]*output\s+5×5×16/);
  await p.page.mouse.move(2, 400);
  await tooltip.waitFor({ state: 'hidden' });
});

test('clicking a node asks the extension to reveal its call, with the call\'s source range', async () => {
  const p = await open();
  const { file, graph } = await showExample(p, 'lenet');
  await p.page.click('g.node[data-node-id="conv2d_2"]');
  const reveal = await lastPosted(p, 'reveal');
  const node = graph.model.nodes.find((n) => n.id === 'conv2d_2')!;
  assert.deepEqual(reveal, { type: 'reveal', nodeId: 'conv2d_2', groupId: null, source: node.source });
  // The range is that call in the file.
  const line = fs.readFileSync(file, 'utf8').split('\n')[node.source!.line - 1]!;
  assert.equal(line.slice(node.source!.column - 1, node.source!.endColumn - 1), 'conv2d(16, 5)');
  assert.equal(await p.page.locator('g.node.selected').getAttribute('data-node-id'), 'conv2d_2');
});

test('ResNet-50 lays out and renders: residual blocks collapsed at first, everything expanded without overlaps', async () => {
  const p = await open();
  const { graph } = await showExample(p, 'resnet50');
  const nodes = p.page.locator('svg.graph g.node');
  assert.equal(await p.page.locator('g.node.kind-group').count(), 16, 'one node per residual block');
  const residualMembers = graph.model.nodes.filter((n) => n.groups.some((g) => g.startsWith('residual:'))).length;
  assert.equal(await nodes.count(), graph.model.nodes.length + 1 - residualMembers + 16);

  await p.page.getByRole('button', { name: 'Expand all' }).click();
  // Expanded, it is drawn only around the view (render.ts culls graphs of over 100 nodes);
  // fitted, the view holds all of it.
  await p.page.getByRole('button', { name: 'Fit', exact: true }).click();
  await p.page.waitForFunction((n) => document.querySelectorAll('svg.graph g.node').length === n, graph.model.nodes.length + 1);
  assert.equal(await p.page.locator('g.node.kind-group').count(), 0);
  assert.equal(await p.page.locator('g.cluster').count(), graph.model.groups.length);
  // No two drawn nodes overlap (screen boxes of every node; 176 boxes, all pairs).
  const overlaps = await p.page.evaluate(() => {
    const boxes = Array.from(document.querySelectorAll('svg.graph g.node .node-box'), (r) => r.getBoundingClientRect());
    const found: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!, b = boxes[j]!;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) found.push(`${i}/${j}`);
      }
    }
    return { count: boxes.length, found };
  });
  assert.equal(overlaps.count, graph.model.nodes.length + 1);
  assert.deepEqual(overlaps.found, []);
  // Every edge is labelled with its tensor shape where it first appears.
  const labels = await p.page.locator('text.edge-label').allTextContents();
  assert.ok(labels.includes('224×224×3') && labels.includes('7×7×2048') && labels.includes('2048'), labels.slice(0, 5).join(', '));
});

test('groups collapse and expand: the ▸ of a collapsed group, the label of an expanded one, and Space', async () => {
  const p = await open();
  const { graph } = await showExample(p, 'resnet50');
  const residual = graph.model.groups.find((g) => g.kind === 'residual')!;
  const members = graph.model.nodes.filter((n) => n.groups.includes(residual.id));
  const memberSelector = `g.node[data-node-id="${members[0]!.id}"]`;
  assert.equal(await p.page.locator(memberSelector).count(), 0);

  await p.page.click(`g.node[data-group-id="${residual.id}"] text.node-toggle`);
  await p.page.waitForSelector(memberSelector);
  assert.equal(await p.page.locator(`g.cluster[data-group-id="${residual.id}"]`).count(), 1);
  for (const m of members) assert.equal(await p.page.locator(`g.node[data-node-id="${m.id}"]`).count(), 1, m.id);

  await p.page.click(`g.cluster[data-group-id="${residual.id}"] text.cluster-label`);
  await p.page.waitForSelector(memberSelector, { state: 'detached' });
  assert.equal(await p.page.locator(`g.node[data-group-id="${residual.id}"]`).count(), 1);

  // Keyboard: the collapsed group is focused; Space expands it again.
  await p.page.focus(`g.node[data-group-id="${residual.id}"]`);
  await p.page.keyboard.press('Space');
  await p.page.waitForSelector(memberSelector);
});

test('a node with a shape error is marked, says why, and the nodes after it have unknown shapes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-graph-'));
  const file = path.join(dir, 'broken.cnn.ts');
  fs.writeFileSync(file, `import { model, conv2d, relu, flatten, dense } from 'cnn-explorer';
export default model('Broken', [8, 8, 1], [conv2d(4, 3), relu(), conv2d(4, 9), relu(), flatten(), dense(10)]);
`);
  const { graph } = await analyzedFile(file);
  const error = graph.analysis.diagnostics.find((d) => d.severity === 'error');
  assert.ok(error, 'analysis reports the 9×9 kernel on a 6×6 input');
  assert.equal(error.nodeId, 'conv2d_2');
  const p = await open();
  await p.send(updateMessage(file, graph));
  await p.page.waitForSelector('g.node');
  const marked = await p.page.locator('g.node.error').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
  assert.deepEqual(marked, ['conv2d_2']);
  assert.equal(await p.page.locator('g.node[data-node-id="dense_1"] .node-subtitle').textContent(), '?');
  await p.page.hover('g.node[data-node-id="conv2d_2"]');
  const tip = p.page.locator('#graph-tooltip .tt-diagnostic.error');
  await tip.waitFor();
  assert.equal(await tip.textContent(), error.message);
  assert.match((await p.page.locator('g.node.error').getAttribute('aria-label'))!, /has an error/);
  assert.equal(await p.page.locator('.banner p.error').textContent(), error.message, 'and listed above the graph');
});

test('a model that no longer evaluates keeps its last graph under a banner with the error', async () => {
  const p = await open();
  const { file, graph } = await showExample(p, 'lenet');
  const count = await p.page.locator('g.node').count();
  const location = { file, line: 9, column: 3, endLine: 9, endColumn: 10 };
  await p.send(updateMessage(file, graph, { stale: true, error: { message: "conv2d: unknown option 'paddin'", location } }));
  const banner = p.page.locator('.banner');
  await banner.waitFor({ state: 'visible' });
  assert.match(await banner.innerText(), /no longer evaluates[\s\S]*line 9, column 3: conv2d: unknown option 'paddin'/);
  assert.equal(await p.page.locator('g.node').count(), count, 'the last good graph stays');
  assert.ok(await p.page.evaluate(() => document.body.classList.contains('stale')));
  await p.send(updateMessage(file, graph));
  await banner.waitFor({ state: 'hidden' });
});

test('the editor\'s cursor highlights its node, or the collapsed group that holds it', async () => {
  const p = await open();
  const { graph } = await showExample(p, 'resnet50');
  const stemConv = graph.model.nodes[0]!;
  await p.send({ type: 'highlight', nodeIds: [stemConv.id], groupIds: [] });
  await p.page.waitForSelector(`g.node.cursor[data-node-id="${stemConv.id}"]`);
  const inside = graph.model.nodes.find((n) => n.groups.some((g) => g.startsWith('residual:')))!;
  const holder = inside.groups.find((g) => g.startsWith('residual:'))!;
  await p.send({ type: 'highlight', nodeIds: [inside.id], groupIds: [] });
  await p.page.waitForSelector(`g.node.cursor[data-group-id="${holder}"]`);
  assert.equal(await p.page.locator('g.node.cursor').count(), 1);
  await p.send({ type: 'highlight', nodeIds: [], groupIds: [] });
  await p.page.waitForSelector('g.node.cursor', { state: 'detached' });
});

test('keyboard: arrows move the selection along the graph, Enter reveals, + and 0 zoom and fit', async () => {
  const p = await open();
  const { graph } = await showExample(p, 'lenet');
  await p.page.focus('g.node[data-key="input"]');
  await p.page.keyboard.press('ArrowDown');
  await p.page.keyboard.press('ArrowDown');
  await p.page.keyboard.press('ArrowDown');
  assert.equal(await p.page.evaluate(() => document.activeElement?.getAttribute('data-node-id')), 'sigmoid_1');
  await p.page.keyboard.press('ArrowUp');
  assert.equal(await p.page.locator('g.node.selected').getAttribute('data-node-id'), 'conv2d_1');
  assert.equal(await p.page.locator('g.node[tabindex="0"]').getAttribute('data-node-id'), 'conv2d_1', 'roving tabindex');
  await p.page.keyboard.press('Enter');
  assert.deepEqual(await lastPosted(p, 'reveal'), { type: 'reveal', nodeId: 'conv2d_1', groupId: null, source: graph.model.nodes[0]!.source });

  const scale = () => p.page.evaluate(() => document.querySelector('svg.graph .viewport')!.getAttribute('transform'));
  const before = await scale();
  await p.page.keyboard.press('+');
  const zoomed = await scale();
  assert.notEqual(zoomed, before);
  await p.page.keyboard.press('0');
  assert.notEqual(await scale(), zoomed);
  // "/" goes to the search box; typing there filters instead of steering the graph.
  await p.page.keyboard.press('/');
  await p.page.keyboard.type('sigmoid');
  await p.page.waitForFunction(() => document.querySelectorAll('g.node.match').length === 4);
  assert.equal(await p.page.locator('.match-count').textContent(), '4 matches');
  await p.page.keyboard.press('Enter');
  assert.equal(await p.page.locator('g.node.selected').getAttribute('data-node-id'), 'sigmoid_1');
});

test('zoom, collapsed groups and selection survive an edit and a reload of the webview', async () => {
  const p = await open();
  const { file, graph } = await showExample(p, 'resnet50');
  const residual = graph.model.groups.find((g) => g.kind === 'residual')!;
  await p.page.click(`g.node[data-group-id="${residual.id}"] text.node-toggle`);
  // Select by search (Enter goes to the match and brings it into view).
  await p.page.fill('vscode-textfield input', 'stem/conv2d_1');
  await p.page.press('vscode-textfield input', 'Enter');
  await p.page.fill('vscode-textfield input', '');
  await p.page.focus('g.node[data-node-id="stem/conv2d_1"]');
  await p.page.keyboard.press('-');
  const transform = await p.page.locator('svg.graph .viewport').getAttribute('transform');
  // An edit: the same model again (as after a keystroke) keeps everything as it is.
  await p.send(updateMessage(file, graph));
  assert.equal(await p.page.locator('svg.graph .viewport').getAttribute('transform'), transform);
  assert.equal(await p.page.locator(`g.cluster[data-group-id="${residual.id}"]`).count(), 1);
  await p.page.waitForFunction(() => (window as unknown as { __state: () => { zoom?: unknown } | undefined }).__state()?.zoom);
  await p.page.waitForTimeout(200); // the view saves its state shortly after the last change
  const saved = await p.page.evaluate(() => (window as unknown as { __state: () => unknown }).__state());
  assert.equal((saved as { documentUri: string }).documentUri, `file://${file}`);
  assert.equal((saved as { exportName: string }).exportName, 'default');

  // A reload: a new page that starts from the saved state.
  const q = await open({ savedState: saved });
  await q.send(updateMessage(file, graph));
  await q.page.waitForSelector('svg.graph g.node');
  assert.equal(await q.page.locator('svg.graph .viewport').getAttribute('transform'), transform);
  assert.equal(await q.page.locator(`g.cluster[data-group-id="${residual.id}"]`).count(), 1);
  assert.equal(await q.page.locator('g.node.selected').getAttribute('data-node-id'), 'stem/conv2d_1');
});

test('the receptive-field view draws the selected layer\'s field on the input grid and the sample image', async () => {
  const p = await open();
  const { graph } = await showExample(p, 'lenet');
  await p.page.click('g.node[data-node-id="conv2d_2"]');
  await p.page.getByRole('button', { name: 'Receptive field' }).click();
  const caption = p.page.locator('.rf-caption');
  await caption.waitFor();
  const rf = graph.analysis.nodes.find((n) => n.id === 'conv2d_2')!.receptiveField!;
  assert.deepEqual(rf.size, [14, 14]);
  // Output (0, 0) of conv2d_2 sees rows start − 6.5 … start + 6.5 of the 28×28 input.
  const top = rf.start[0] - 6.5;
  assert.equal(rf.start[0], 4.5);
  assert.equal(await caption.textContent(),
    `Output (0, 0) of 10×10 sees 14×14 input pixels: rows ${top}…${top + 13}, columns ${top}…${top + 13} (partly padding); jump 2×2.`);
  // Drawn 14 wide, of which 12 columns lie on the image (the rest is padding, outlined only).
  assert.equal(await p.page.locator('.rf-panel rect.rf-field-outline').getAttribute('width'), '14');
  assert.equal(await p.page.locator('.rf-panel rect.rf-field').getAttribute('x'), '0');
  assert.equal(await p.page.locator('.rf-panel rect.rf-field').getAttribute('width'), '12');
  // The pointer picks the output position whose field is centred nearest it.
  const box = (await p.page.locator('.rf-drawing').boundingBox())!;
  await p.page.mouse.move(box.x + box.width - 2, box.y + box.height - 2);
  await p.page.waitForFunction(() => document.querySelector('.rf-caption')?.textContent?.startsWith('Output (9, 9)'));
  // A sample image of the dataset goes under the grid.
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
  await p.send({ type: 'sampleImage', dataUri: png, width: 28, height: 28, label: 'MNIST digit 7' });
  await p.page.waitForSelector('.rf-panel image.rf-sample');
  assert.match((await caption.textContent())!, /Sample: MNIST digit 7\./);
});

test('export: the whole graph as a standalone SVG (theme colours resolved) and as PNG', async () => {
  const p = await open({ theme: true });
  await showExample(p, 'lenet');
  await p.page.getByRole('button', { name: 'SVG', exact: true }).click();
  await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'export'));
  const svg = await lastPosted(p, 'export');
  assert.ok(svg && svg.type === 'export');
  assert.equal(svg.format, 'svg');
  assert.equal(svg.suggestedName, 'lenet.svg');
  assert.match(svg.data, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.data.includes('conv 6 · 5×5 · p2') && svg.data.includes('28×28×6'));
  assert.ok(!svg.data.includes('var(--'), 'no theme variables left in the file');
  assert.ok(svg.data.includes('rgb(30, 30, 30)'), 'the theme\'s background is written in');
  assert.equal((svg.data.match(/<g [^>]*transform="translate/g) ?? []).length, 13, 'every node, whatever the zoom');

  await p.page.getByRole('button', { name: 'PNG', exact: true }).click();
  await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string; format?: string }[] }).__posted.some((m) => m.type === 'export' && m.format === 'png'));
  const png = await lastPosted(p, 'export');
  assert.ok(png && png.type === 'export' && png.format === 'png');
  const bytes = Buffer.from(png.data, 'base64');
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
  assert.ok(bytes.readUInt32BE(16) > 100 && bytes.readUInt32BE(20) > 500, 'at least the drawing\'s size');
});

test('a file that exports several models offers them; picking one asks the extension', async () => {
  const p = await open();
  const { file, graph } = await analyzedExample('lenet');
  await p.send(updateMessage(file, graph, { exports: ['default', 'small'] }));
  await p.page.waitForSelector('g.node');
  const select = p.page.locator('vscode-single-select');
  assert.equal(await select.isVisible(), true);
  await select.evaluate((el) => {
    (el as HTMLElement & { value: string }).value = 'small';
    el.dispatchEvent(new Event('change'));
  });
  assert.deepEqual(await lastPosted(p, 'selectExport'), { type: 'selectExport', exportName: 'small' });
});
