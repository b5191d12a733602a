import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { webviewPageHtml } from '../../../../src/extension/webviewPage';
import { compareRuns } from '../../../../src/runs/compare';
import { loadRuns } from '../../../../src/runs/lookup';
import { updateRun } from '../../../../src/runs/store';
import type { ExtensionToSidebar, RunRow, SidebarToExtension } from '../../../../src/shared/messages';
import { CLASSES, writeFixtureRun } from '../../../support/runFixtures';
import { launchChromium, openWebviewPage, ORIGIN } from '../../../support/webviewHarness';
import { REPO_ROOT } from '../../../support/paths';

// The runs sidebar's real bundle in headless Chromium: what a damaged run's row says, and what
// selecting it shows; what a DDP run's row and header say.

let browser: Browser;
let bundle: { js: string; css: string };
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
after(() => browser?.close());

const row = (id: string, over: Partial<RunRow>): RunRow => ({
  id, status: 'completed', model: 'LeNet-5', dataset: 'mnist', bestAccuracy: 0.9, seconds: 10, backend: 'wasm', error: null, damaged: null, ...over,
});

const openSidebar = () => openWebviewPage<ExtensionToSidebar, SidebarToExtension>(browser, {
  name: 'sidebar',
  html: webviewPageHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/sidebar.js`, styleUri: `${ORIGIN}/sidebar.css` },
    { title: 'runs', body: '<main id="app"></main>' }),
  files: { '/sidebar.js': { type: 'text/javascript', body: bundle.js }, '/sidebar.css': { type: 'text/css', body: bundle.css } },
});

test('damaged runs: a row says which and why; selecting one whose run.json cannot be read shows why', async () => {
  const page = await openSidebar();
  await page.send({ type: 'runs', runsDir: '/runs', liveRunId: null, runs: [
    row('r3', { status: 'damaged', model: '', dataset: '', bestAccuracy: null, seconds: null, backend: null, damaged: '/runs/r3/run.json: not valid JSON (Unexpected end of JSON input)' }),
    row('r2', { damaged: 'metrics.jsonl: its last line is incomplete (30 bytes, skipped)' }),
    row('r1', {}),
  ] });
  const texts = await page.page.$$eval('li.run-row', (items) => items.map((li) => [li.className, li.querySelector('.run-model')?.textContent, li.querySelector('.run-damage')?.textContent ?? null]));
  assert.deepEqual(texts, [
    ['run-row status-damaged', 'run.json unreadable', 'damaged: /runs/r3/run.json: not valid JSON (Unexpected end of JSON input)'],
    ['run-row status-completed', 'LeNet-5', 'damaged: metrics.jsonl: its last line is incomplete (30 bytes, skipped)'],
    ['run-row status-completed', 'LeNet-5', null],
  ]);
  await page.page.click('li[data-run-id="r3"] .run-model');
  await page.send({ type: 'noDetail' });
  assert.equal(await page.page.textContent('.run-detail .warning'), '/runs/r3/run.json: not valid JSON (Unexpected end of JSON input)');
  assert.deepEqual((await page.posted()).filter((m) => m.type === 'select'), [{ type: 'select', runId: 'r3' }]);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(await page.violations(), []);
});

test('a live run updating the list every second keeps its row and the Stop button (a click is never lost)', async () => {
  const page = await openSidebar();
  await page.send({ type: 'runs', runsDir: '/runs', liveRunId: 'r2', runs: [row('r2', { status: 'running', seconds: 1 }), row('r1', {})] });
  const stop = await page.page.$('[data-action="stop"]');
  const live = await page.page.$('li[data-run-id="r2"]');
  for (let s = 2; s <= 5; s++) {
    await page.send({ type: 'runs', runsDir: '/runs', liveRunId: 'r2', runs: [row('r2', { status: 'running', seconds: s }), row('r1', {})] });
  }
  assert.equal(await stop!.evaluate((e) => e.isConnected), true, 'the same Stop button');
  assert.equal(await live!.evaluate((e) => e.isConnected), true, 'the same row');
  assert.equal(await page.page.textContent('li[data-run-id="r2"] .run-time'), '5s');
  await stop!.click();
  assert.deepEqual((await page.posted()).filter((m) => m.type === 'stop'), [{ type: 'stop' }]);
  // The run ends: its row says so, and the Stop button goes.
  await page.send({ type: 'runs', runsDir: '/runs', liveRunId: null, runs: [row('r2', { status: 'stopped', seconds: 6 }), row('r1', {})] });
  assert.equal(await live!.evaluate((e) => e.className), 'run-row status-stopped');
  assert.equal(await page.page.$('[data-action="stop"]'), null);
  assert.deepEqual(page.errors, []);
});

test('a DDP run: its row and its header say its world size and devices', async () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-sidebar-ddp-'));
  const id = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: [CLASSES.map(() => 90)], at: new Date(2026, 5, 1) });
  // run.json as rank 0 of a four-GPU run writes it (docs/distributed.md), made by hand.
  updateRun(path.join(runsDir, id), (r) => {
    r.backend = { name: 'torch', reason: 'requested', detail: 'cuda ×4 on 1 node (NVIDIA H100 80GB HBM3), DDP (nccl), 16 per rank, torch 2.4.0' };
    r.distributed = {
      worldSize: 4, nnodes: 1, nprocPerNode: 4, backend: 'nccl', perRankBatch: 16, syncBatchNorm: false,
      ranks: [0, 1, 2, 3].map((rank) => ({ rank, host: 'gpu-node', pid: 900 + rank, device: `cuda:${rank} (NVIDIA H100 80GB HBM3)` })),
    };
  });
  const label = 'torch · cuda ×4 (NVIDIA H100 80GB HBM3) · DDP';
  const page = await openSidebar();
  await page.send({ type: 'runs', runsDir, liveRunId: null, runs: [row(id, { backend: label })] });
  await page.send({ type: 'detail', runId: id, comparison: compareRuns(loadRuns(runsDir, [id])), progress: null });
  assert.equal(await page.page.textContent(`li[data-run-id="${id}"] .run-dataset`), `mnist · ${label}`);
  assert.equal(await page.page.textContent('.detail-header .detail-backend'), label);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(await page.violations(), []);
  fs.rmSync(runsDir, { recursive: true, force: true });
});
