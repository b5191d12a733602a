import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { webviewPageHtml } from '../../../../src/extension/webviewPage';
import { compareRuns, type Comparison } from '../../../../src/runs/compare';
import { loadRuns } from '../../../../src/runs/lookup';
import type { IterationRecord } from '../../../../src/runs/types';
import type { ExtensionToSidebar, SidebarToExtension } from '../../../../src/shared/messages';
import { CLASSES, writeFixtureRun } from '../../../support/runFixtures';
import { launchChromium, openWebviewPage, ORIGIN } from '../../../support/webviewHarness';
import { REPO_ROOT } from '../../../support/paths';

// The sidebar's curves for short and long runs, in the real bundle in headless Chromium: a
// one-epoch run shows its per-step curves (not one dot per curve) until the reader turns them
// off; a run of many epochs shows epoch curves; a per-step curve of 100,000 steps is drawn
// through at most four points per pixel column, and its spike still shows.

let browser: Browser;
let bundle: { js: string; css: string };
const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-step-curves-'));
before(async () => {
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'webview/sidebar/main.ts')],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent', outdir: '/sidebar-out',
  });
  bundle = {
    js: result.outputFiles.find((f) => f.path.endsWith('.js'))!.text,
    css: result.outputFiles.find((f) => f.path.endsWith('.css'))!.text,
  };
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

const openSidebar = () => openWebviewPage<ExtensionToSidebar, SidebarToExtension>(browser, {
  name: 'sidebar',
  html: webviewPageHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/sidebar.js`, styleUri: `${ORIGIN}/sidebar.css` },
    { title: 'runs', body: '<main id="app"></main>' }),
  files: { '/sidebar.js': { type: 'text/javascript', body: bundle.js }, '/sidebar.css': { type: 'text/css', body: bundle.css } },
  viewport: { width: 400, height: 900 },
});

/** `steps` iteration records per epoch, a noisy falling loss, as the trainer writes them. */
function iterations(epochs: number, steps: number): IterationRecord[] {
  const out: IterationRecord[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let step = 1; step <= steps; step++) {
      const iteration = (epoch - 1) * steps + step;
      out.push({ type: 'iteration', epoch, step, steps, iteration, loss: 2 / Math.sqrt(iteration) + 0.1 * Math.sin(iteration), accuracy: Math.min(1, iteration / 500), lr: 0.01, time: 0 });
    }
  }
  return out;
}

/** A fixture run of `epochs` epochs with `steps` iterations each, compared alone (what the sidebar's detail carries). */
async function runComparison(epochs: number, steps: number): Promise<{ id: string; c: Comparison }> {
  const id = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: Array.from({ length: epochs }, (_, e) => CLASSES.map(() => 60 + e)), at: new Date(2026, 11, epochs) });
  const [run] = loadRuns(runsDir, [id]);
  return { id, c: compareRuns([{ ...run!, iterations: iterations(epochs, steps) }]) };
}

/** The vertices of an SVG path as d3's line writes it (`M x,y L x,y …`). */
function vertices(d: string): [number, number][] {
  return [...d.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

const pathOf = (page: Awaited<ReturnType<typeof openSidebar>>, metric: string) =>
  page.page.$eval(`.run-detail g.series[data-metric="${metric}"] path.line`, (p) => p.getAttribute('d') ?? '');

test('a one-epoch run shows its per-step curves by default, not one dot per curve; the reader can turn them off', async () => {
  const { id, c } = await runComparison(1, 300);
  const page = await openSidebar();
  await page.send({ type: 'detail', runId: id, comparison: c, progress: null });
  await page.page.waitForSelector('.run-detail g.series[data-metric="batch_loss"]');
  assert.equal(vertices(await pathOf(page, 'batch_loss')).length, 300, 'a point per step');
  assert.ok(vertices(await pathOf(page, 'batch_accuracy')).length >= 300);
  assert.equal(await page.page.locator('.run-detail g.series[data-metric="train_loss"] circle').count(), 1, 'the epoch curve: one point');
  const toggle = page.page.locator('.run-detail vscode-checkbox.steps-toggle');
  assert.equal(await toggle.evaluate((b) => (b as unknown as { checked: boolean }).checked), true);
  await toggle.click();
  await page.page.waitForFunction(() => !document.querySelector('.run-detail g.series[data-metric="batch_loss"]'));
  // The reader's choice holds while the run updates (a live run's detail arrives every second).
  await page.send({ type: 'detail', runId: id, comparison: c, progress: null });
  await page.page.waitForSelector('.run-detail g.series[data-metric="train_loss"]');
  assert.equal(await page.page.locator('.run-detail g.series[data-metric="batch_loss"]').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('a run of six epochs shows epoch curves, per-step ones one click away', async () => {
  const { id, c } = await runComparison(6, 50);
  const page = await openSidebar();
  await page.send({ type: 'detail', runId: id, comparison: c, progress: null });
  await page.page.waitForSelector('.run-detail g.series[data-metric="train_loss"]');
  assert.equal(await page.page.locator('.run-detail g.series[data-metric="train_loss"] circle').count(), 6);
  assert.equal(await page.page.locator('.run-detail g.series[data-metric="batch_loss"]').count(), 0);
  await page.page.locator('.run-detail vscode-checkbox.steps-toggle').click();
  await page.page.waitForSelector('.run-detail g.series[data-metric="batch_loss"]');
  assert.equal(vertices(await pathOf(page, 'batch_loss')).length, 300);
  assert.deepEqual(page.errors, []);
});

test('a live per-step curve of 100,000 steps: at most four vertices per pixel column, its spike and its last step drawn', async () => {
  const { id, c } = await runComparison(1, 100);
  const page = await openSidebar();
  // Updates as a live run posts them, the curve grown to 100,000 steps with a one-step spike.
  for (const n of [90_000, 95_000, 100_000]) {
    const points = Array.from({ length: n }, (_, i): [number, number] => [(i + 1) / 100_000, 2 - i / 100_000 + 0.05 * Math.sin(i)]);
    points[61_234] = [points[61_234]![0], 9];
    await page.send({ type: 'detail', runId: id, comparison: { ...c, curves: { ...c.curves, batch_loss: [points] } }, progress: null });
  }
  // The last update is drawn: its curve reaches the plot's right edge (x = 1 at 508).
  await page.page.waitForFunction(() =>
    document.querySelector('.run-detail g.series[data-metric="batch_loss"] path.line')?.getAttribute('d')?.includes('L508,'));
  const viewBox = await page.page.$eval('.run-detail figure.loss svg', (s) => s.getAttribute('viewBox')!);
  const width = Number(viewBox.split(' ')[2]);
  const drawn = vertices(await pathOf(page, 'batch_loss'));
  assert.ok(drawn.length <= 4 * width, `${drawn.length} vertices for a chart ${width} wide`);
  assert.ok(drawn.length > width, 'every column drawn');
  // The spike (9, far above the ~2 of every other step) is the highest point, at the top of the plot.
  const top = drawn.reduce((a, b) => (b[1] < a[1] ? b : a));
  assert.ok(top[1] < 30, `the spike drawn at y ${top[1]}`);
  const [left, right] = [drawn[0]![0], drawn.at(-1)![0]];
  assert.ok(Math.abs(top[0] - (left + 0.61235 * (right - left))) < 2, `where it happened, 61% along (x ${top[0]})`);
  assert.deepEqual(page.errors, []);
});
