import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../support/webviewHarness';
import { buildSweepBundle, generatedSweep, openSweepPage, type SweepBundle, type SweepPage } from '../../../support/sweepHarness';

// The sweep webview bundle in headless Chromium, on the page the extension serves (same CSP),
// fed 1,000 runs as the extension posts them: the table keeps only the rows in view in the DOM,
// a brush on an axis filters the table, and clicks post what the extension acts on. Chromium
// missing is a failure, not a skip.

const N = 1000;
const table = generatedSweep(N);
let browser: Browser;
let bundle: SweepBundle;
const pages: SweepPage[] = [];

before(async () => {
  [bundle, browser] = await Promise.all([buildSweepBundle(), launchChromium()]);
});

after(async () => {
  for (const p of pages) {
    assert.deepEqual(await p.violations(), [], 'no Content-Security-Policy violations');
    assert.deepEqual(p.errors, [], 'no errors in the page');
  }
  await browser?.close();
});

async function open(): Promise<SweepPage> {
  const p = await openSweepPage(browser, bundle, { theme: true });
  pages.push(p);
  await p.send({ type: 'sweep', table, runsDir: '/runs', problems: [] });
  await p.page.waitForSelector('tr.run');
  return p;
}

const rowIds = (p: SweepPage) => p.page.$$eval('tr.run', (rows) => rows.map((r) => r.getAttribute('data-run-id')));
const countText = (p: SweepPage) => p.page.textContent('.toolbar .count');

test('1,000 runs: one line each in the chart, and only the rows in view (not 1,000) in the table', async () => {
  const p = await open();
  assert.equal(await p.page.locator('svg.parallel path.line').count(), N);
  const first = await rowIds(p);
  assert.ok(first.length > 5 && first.length < 60, `rows in the DOM: ${first.length}`);
  assert.equal(first[0], 'run-00000');
  assert.equal(await countText(p), `${N} of ${N} runs`);
  // Scrolled to the end: the last runs are drawn, the first ones are gone from the DOM.
  await p.page.locator('.sweep-table-scroll').evaluate((e) => { e.scrollTop = e.scrollHeight; });
  await p.page.waitForSelector('tr.run[data-run-id="run-00999"]');
  const last = await rowIds(p);
  assert.ok(last.length < 60);
  assert.ok(!last.includes('run-00000'));
  assert.deepEqual(await p.state(), { runIds: table.runs.map((r) => r.id), runsDir: '/runs' });
});

test('a brush on the optimizer axis keeps only its runs in the table and dims the other lines', async () => {
  const p = await open();
  const adam = table.runs.filter((r) => r.params[2] === 'adam').length;
  const overlay = p.page.locator('g.axis[data-column="optimizer.type"] .brush rect.overlay');
  const box = (await overlay.boundingBox())!;
  // The axis has two categories (sgd below, adam above): brush the top third, where adam is.
  const x = box.x + box.width / 2;
  await p.page.mouse.move(x, box.y + 2);
  await p.page.mouse.down();
  await p.page.mouse.move(x, box.y + box.height / 3, { steps: 4 });
  await p.page.mouse.up();
  assert.equal(await countText(p), `${adam} of ${N} runs`);
  assert.equal(await p.page.locator('svg.parallel path.line.dim').count(), N - adam);
  const shown = await p.page.$$eval('tr.run td:nth-child(5)', (cells) => cells.map((c) => c.textContent));
  assert.ok(shown.length > 0);
  assert.deepEqual([...new Set(shown)], ['adam']);
  // The extension posts the sweep again as its runs finish, and the user may colour by another
  // column: the chart is drawn afresh, the brush stays on its axis and keeps filtering.
  const selection = p.page.locator('g.axis[data-column="optimizer.type"] .brush rect.selection');
  await p.send({ type: 'sweep', table, runsDir: '/runs', problems: [] });
  await p.page.selectOption('.toolbar select', { index: 1 });
  assert.equal(await countText(p), `${adam} of ${N} runs`);
  assert.equal(await p.page.locator('svg.parallel path.line.dim').count(), N - adam);
  // On a category axis the brush is put back around its categories (adam's half of the axis).
  const band = (await selection.boundingBox())!;
  assert.ok(band.height > 0 && band.y + band.height <= box.y + box.height / 2 + 1, `brush at y ${band.y}, height ${band.height}`);
  // Clear brushes: every run again.
  await p.page.click('button[data-action="clear-brushes"]');
  assert.equal(await countText(p), `${N} of ${N} runs`);
});

test('a brush on the learning-rate axis stays where it was drawn when the sweep is posted again', async () => {
  const p = await open();
  const overlay = p.page.locator('g.axis[data-column="optimizer.lr"] .brush rect.overlay');
  const box = (await overlay.boundingBox())!;
  const x = box.x + box.width / 2;
  await p.page.mouse.move(x, box.y + box.height * 0.2);
  await p.page.mouse.down();
  await p.page.mouse.move(x, box.y + box.height * 0.6, { steps: 4 });
  await p.page.mouse.up();
  const count = await countText(p);
  assert.notEqual(count, `${N} of ${N} runs`);
  const selection = p.page.locator('g.axis[data-column="optimizer.lr"] .brush rect.selection');
  const drawn = (await selection.boundingBox())!;
  await p.send({ type: 'sweep', table, runsDir: '/runs', problems: [] });
  assert.equal(await countText(p), count);
  const kept = (await selection.boundingBox())!;
  assert.ok(Math.abs(kept.y - drawn.y) < 1 && Math.abs(kept.height - drawn.height) < 1,
    `brush at y ${kept.y}, height ${kept.height} (drawn at ${drawn.y}, ${drawn.height})`);
});

test('clicking a header sorts; clicking a row or a line posts openRun; ticked rows go to compare', async () => {
  const p = await open();
  await p.page.click('th[data-column="3"] button.sort'); // best test accuracy, best first
  const best = [...table.runs].sort((a, b) => b.metrics[0]! - a.metrics[0]!)[0]!;
  assert.equal((await rowIds(p))[0], best.id);

  await p.page.click(`tr.run[data-run-id="${best.id}"] td.name`);
  await p.page.locator('svg.parallel path.line[data-run-id="run-00004"]').dispatchEvent('click');
  const ticked = (await rowIds(p)).slice(1, 3) as string[];
  for (const id of ticked) await p.page.check(`tr.run[data-run-id="${id}"] input[type=checkbox]`);
  await p.page.click('button[data-action="compare"]');
  const posted = await p.posted();
  assert.deepEqual(posted.filter((m) => m.type !== 'ready'), [
    { type: 'openRun', runId: best.id },
    { type: 'openRun', runId: 'run-00004' },
    { type: 'compare', runIds: [...ticked].sort() },
  ]);
});

test('nothing to show: the message instead of the chart and the table', async () => {
  const p = await openSweepPage(browser, bundle);
  pages.push(p);
  await p.send({ type: 'empty', message: 'No runs to show.' });
  await p.page.waitForSelector('p.empty:not([hidden])');
  assert.equal(await p.page.textContent('p.empty:not([hidden])'), 'No runs to show.');
  assert.equal(await p.page.locator('.chart').isHidden(), true);
});
