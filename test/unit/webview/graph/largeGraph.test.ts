import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { analyzedFile, buildGraphBundle, launchChromium, openGraphPage, updateMessage, type GraphPage } from '../../../support/graphHarness';

// A model of thousands of layers in the graph webview (headless Chromium, real bundle): it says
// it is being laid out before it is drawn, is laid out in the layout worker (or, where the
// worker cannot be had, on the page), it draws only the part around the view, the drawing
// follows a pan, and an export still holds every node.

let browser: Browser;
let bundle: string;
const pages: GraphPage[] = [];

before(async () => {
  [bundle, browser] = await Promise.all([buildGraphBundle(), launchChromium()]);
});

after(async () => {
  for (const p of pages) assert.deepEqual(p.errors, [], 'no errors in the page');
  await browser?.close();
});

const LOOP = `import { model, conv2d, batchNorm, relu, block, residual, repeat, flatten, dense } from 'cnn-explorer';
export default model('loop', [8, 8, 4], [
  repeat(400, (i) => block(\`u\${i}\`, [residual([conv2d(4, 3, { padding: 1 }), batchNorm(), relu(), conv2d(4, 1)]), relu()])),
  flatten(), dense(2),
]);
`;

const drawnIds = (p: GraphPage) => p.page.evaluate(() =>
  Array.from(document.querySelectorAll('svg.graph g.node'), (g) => g.getAttribute('data-node-id') ?? g.getAttribute('data-group-id')));

test('thousands of layers: a progress line, then only the part around the view is drawn, following a pan', async () => {
  const { file, graph } = await analyzedFile(path.join(os.tmpdir(), 'large-graph.cnn.ts'), LOOP);
  const layers = graph.model.nodes.length;
  assert.ok(layers > 2000, `${layers} layers`);
  const p = await openGraphPage(browser, bundle, { viewport: { width: 1000, height: 700 } });
  pages.push(p);
  // Expanded, so that every layer is a node of the view.
  await p.send({ ...updateMessage(file, graph) });
  await p.page.waitForSelector('svg.graph g.node');
  await p.page.getByRole('button', { name: 'Expand all', exact: true }).click();
  const said = await p.page.evaluate(() => document.querySelector('.empty')!.textContent);
  assert.equal(said, `Laying out ${layers.toLocaleString('en-US')} layers…`);
  await p.page.waitForFunction((n) => document.querySelector('svg.graph')!.getAttribute('data-node-count') === String(n), layers + 1);
  await p.page.waitForFunction(() => (document.querySelector('.empty') as HTMLElement).hidden);
  assert.equal(await p.page.locator('svg.graph').getAttribute('data-layout-place'), 'worker', 'laid out in the layout worker');

  const first = await drawnIds(p);
  assert.ok(first.length > 5 && first.length < 300, `${first.length} of ${layers + 1} nodes drawn`);
  assert.ok(first.includes('u0/conv2d_1'), 'the top of the model is in view');

  // Drag the drawing up, screen by screen, well past what was drawn around the first view.
  const box = (await p.page.locator('svg.graph').boundingBox())!;
  for (let i = 0; i < 6; i++) {
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height - 20);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width / 2, box.y + 20, { steps: 4 });
    await p.page.mouse.up();
  }
  const later = await drawnIds(p);
  assert.ok(later.length > 5 && later.length < 300, `${later.length} nodes drawn after the pan`);
  assert.ok(!later.includes('u0/conv2d_1'), 'the top has left the drawing');
  assert.ok(later.some((id) => !first.includes(id)), 'nodes further down have joined it');

  // The keyboard walks down past what was drawn: each step's node is drawn, selected and focused.
  await p.page.getByRole('button', { name: 'Fit', exact: true }).click();
  await p.page.getByRole('button', { name: 'Expand all', exact: true }).click();
  await p.page.waitForFunction(() => (document.querySelector('.empty') as HTMLElement).hidden);
  await p.page.focus('g.node[data-key="input"]');
  for (let i = 0; i < 120; i++) await p.page.keyboard.press('ArrowDown');
  const focused = await p.page.evaluate(() => document.activeElement?.getAttribute('data-node-id'));
  assert.match(focused ?? '', /^u\d+\//, `the focus is on a layer (${focused})`);
  assert.ok(!first.includes(focused!), `${focused} lies beyond the first drawing`);
  assert.equal(await p.page.locator('g.node.selected').getAttribute('data-node-id'), focused);
  assert.ok((await drawnIds(p)).length < 300);

  // A search counts every match, drawn or not.
  await p.page.keyboard.press('/');
  await p.page.keyboard.type('conv2d');
  await p.page.waitForFunction(() => /^\d+ matches$/.test(document.querySelector('.match-count')?.textContent ?? ''));
  assert.equal(await p.page.locator('.match-count').textContent(), `${graph.model.nodes.filter((n) => n.op.type === 'conv2d').length} matches`);

  await p.page.getByRole('button', { name: 'SVG', exact: true }).click();
  await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'export'));
  const exported = (await p.posted()).filter((m) => m.type === 'export').at(-1);
  assert.ok(exported && exported.type === 'export');
  assert.equal((exported.data.match(/<g [^>]*transform="translate/g) ?? []).length, layers + 1, 'the export holds every node');
  const afterExport = await drawnIds(p);
  assert.ok(afterExport.length > 5 && afterExport.length < 300, `and the view goes back to drawing what is around it (${afterExport.length})`);
});

test('without its layout worker (the script cannot be fetched), a large model is laid out on the page all the same', async () => {
  const { file, graph } = await analyzedFile(path.join(os.tmpdir(), 'large-graph-main.cnn.ts'), LOOP);
  const layers = graph.model.nodes.length;
  const p = await openGraphPage(browser, bundle, { viewport: { width: 1000, height: 700 }, layoutWorker: false });
  pages.push(p);
  await p.send({ ...updateMessage(file, graph) });
  await p.page.waitForSelector('svg.graph g.node');
  await p.page.getByRole('button', { name: 'Expand all', exact: true }).click();
  assert.equal(await p.page.evaluate(() => document.querySelector('.empty')!.textContent), `Laying out ${layers.toLocaleString('en-US')} layers…`);
  await p.page.waitForFunction((n) => document.querySelector('svg.graph')!.getAttribute('data-node-count') === String(n), layers + 1);
  assert.equal(await p.page.locator('svg.graph').getAttribute('data-layout-place'), 'main');
  assert.ok((await drawnIds(p)).includes('u0/conv2d_1'), 'the top of the model is drawn');
  assert.deepEqual(await p.violations(), []);
  // The page reports the script it could not load; that is this test's premise, not an error.
  const missing = p.errors.filter((e) => /status of 404/.test(e));
  p.errors.splice(0, p.errors.length, ...p.errors.filter((e) => !missing.includes(e)));
});
