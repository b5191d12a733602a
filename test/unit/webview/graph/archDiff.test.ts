import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { analyzeModel } from '../../../../src/analysis/index';
import { conv2d, dense, dropout, flatten, model, relu } from '../../../../src/dsl/index';
import { mergeArchitectures } from '../../../../src/runs/archMerge';
import {
  analyzedExample, analyzedFile, buildGraphBundle, launchChromium, openGraphPage, updateMessage, type GraphPage,
} from '../../../support/graphHarness';
import { REPO_ROOT } from '../../../support/paths';

// The graph webview in architecture diff mode, in headless Chromium: LeNet with its first
// convolution widened and one layer added, merged with the original as the extension posts it.

let browser: Browser;
let bundle: string;
let page: GraphPage;

before(async () => {
  [bundle, browser] = await Promise.all([buildGraphBundle(), launchChromium()]);
  page = await openGraphPage(browser, bundle, { theme: true });
  const file = path.join(REPO_ROOT, 'examples', 'lenet.cnn.ts');
  const edited = fs.readFileSync(file, 'utf8')
    .replace('conv2d(6, 5, { padding: 2 })', 'conv2d(8, 5, { padding: 2 })')
    .replace('flatten(),\n', 'flatten(), dropout(0.5),\n')
    .replace("flatten, dense,", 'flatten, dense, dropout,');
  const { graph: before } = await analyzedExample('lenet');
  const { graph: after } = await analyzedFile(file, edited);
  const merged = mergeArchitectures(before, after, { before: 'HEAD', after: 'lenet.cnn.ts' });
  await page.send(updateMessage(file, merged.graph, { diff: merged.diff }));
  await page.page.waitForSelector('svg.graph g.node');
});

after(async () => {
  assert.deepEqual(await page.violations(), [], 'no Content-Security-Policy violations');
  assert.deepEqual(page.errors, [], 'no errors in the page');
  await browser?.close();
});

test('each layer that differs is marked with its status; the same ones are not', async () => {
  const statuses = await page.page.$$eval('g.node[data-diff]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.getAttribute('data-node-id'), n.getAttribute('data-diff')])));
  assert.deepEqual(statuses, {
    conv2d_1: 'changed', sigmoid_1: 'changed', avgPool2d_1: 'changed', conv2d_2: 'changed', dropout_1: 'added',
  });
  assert.ok(await page.page.$('g.node.diff-changed[data-node-id="conv2d_1"]'), 'the class the stylesheet colours by');
  // Theme colours: a changed layer's border is not an unchanged one's.
  const stroke = (id: string) => page.page.$eval(`g.node[data-node-id="${id}"] .node-box`, (r) => getComputedStyle(r).stroke);
  assert.notEqual(await stroke('conv2d_1'), await stroke('dense_1'));
  assert.equal(await page.page.$eval('g.node[data-node-id="conv2d_1"] .node-subtitle', (t) => t.textContent), '28×28×6 → 28×28×8 · +52 params');
});

test('the header gives the totals before → after and the counts of each status', async () => {
  const header = await page.page.locator('.diff-header').innerText();
  assert.match(header, /HEAD → lenet\.cnn\.ts/);
  assert.match(header, /params 61,706 → 62,558 \(\+852\)/);
  assert.match(header, /layers 12 → 13 \(\+1\)/);
  assert.match(header, /1 added[\s\S]*0 removed[\s\S]*4 changed/);
});

test('a changed layer\'s hover card shows Δ output shape, Δ params, Δ MACs and Δ receptive field', async () => {
  await page.page.hover('g.node[data-node-id="conv2d_2"]');
  const tooltip = page.page.locator('#graph-tooltip');
  await tooltip.waitFor({ state: 'visible' });
  const text = await tooltip.innerText();
  assert.match(text, /changed/);
  assert.match(text, /Δ output\s+10×10×16/);
  assert.match(text, /Δ params\s+2,416 → 3,216 \(\+800\)/);
  assert.match(text, /Δ MACs\s+240,000 → 320,000 \(\+80,000\)/);
  assert.match(text, /Δ receptive field\s+14×14/);
});

test('a removed layer is drawn where it was, marked removed, with an edge into the layer that read it', async () => {
  const analyzed = (m: ReturnType<typeof model>) => ({ exportName: 'default', model: m, analysis: analyzeModel(m) });
  const before = analyzed(model('M', [28, 28, 1], [conv2d(8, 3), relu(), flatten(), dense(32, { name: 'hidden' }), dense(10, { name: 'head' })]));
  const after = analyzed(model('M', [28, 28, 1], [conv2d(8, 3), relu(), flatten(), dropout(0.5), dense(10, { name: 'head' })]));
  const merged = mergeArchitectures(before, after, { before: 'main', after: 'm.cnn.ts' });
  await page.send(updateMessage('/w/m.cnn.ts', merged.graph, { diff: merged.diff }));
  await page.page.waitForSelector('g.node.diff-removed[data-node-id="hidden"]');
  const statuses = await page.page.$$eval('g.node[data-diff]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.getAttribute('data-node-id'), n.getAttribute('data-diff')])));
  assert.deepEqual(statuses, { hidden: 'removed', dropout_1: 'added', head: 'changed' });
  assert.ok(await page.page.$('path.edge[data-key="n:hidden→n:head"]'), 'the removed layer still leads to the layer that read it');
  assert.match(await page.page.locator('.diff-header').innerText(), /main → m\.cnn\.ts[\s\S]*1 added[\s\S]*1 removed[\s\S]*1 changed/);
});
