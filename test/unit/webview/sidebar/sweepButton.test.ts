import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { webviewPageHtml } from '../../../../src/extension/webviewPage';
import type { ExtensionToSidebar, RunRow, SidebarToExtension } from '../../../../src/shared/messages';
import { launchChromium, openWebviewPage, ORIGIN } from '../../../support/webviewHarness';
import { REPO_ROOT } from '../../../support/paths';

// The runs sidebar's way into the sweep view: with nothing ticked its button shows every
// readable run as a sweep; with two or more ticked, those.

let browser: Browser;
let bundle: { js: string; css: string };
before(async () => {
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'webview/sidebar/main.ts')],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent', outdir: '/sidebar-out',
  });
  bundle = { js: result.outputFiles.find((f) => f.path.endsWith('.js'))!.text, css: result.outputFiles.find((f) => f.path.endsWith('.css'))!.text };
  browser = await launchChromium();
});
after(() => browser?.close());

const row = (id: string, over: Partial<RunRow> = {}): RunRow => ({
  id, status: 'completed', model: 'LeNet-5', dataset: 'mnist', bestAccuracy: 0.9, seconds: 10, backend: 'wasm', error: null, damaged: null, ...over,
});

test('the sweep button posts every readable run, or the ticked ones when two or more are', async () => {
  const page = await openWebviewPage<ExtensionToSidebar, SidebarToExtension>(browser, {
    name: 'sidebar',
    html: webviewPageHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/sidebar.js`, styleUri: `${ORIGIN}/sidebar.css` }, { title: 'runs', body: '<main id="app"></main>' }),
    files: { '/sidebar.js': { type: 'text/javascript', body: bundle.js }, '/sidebar.css': { type: 'text/css', body: bundle.css } },
  });
  await page.send({ type: 'runs', runsDir: '/runs', liveRunId: null, runs: [row('r4'), row('r3', { status: 'damaged' }), row('r2'), row('r1')] });
  const sweep = page.page.locator('[data-action="sweep"]');
  await sweep.click();
  for (const id of ['r2', 'r1']) await page.page.locator(`li[data-run-id="${id}"] vscode-checkbox`).click();
  await page.page.locator('[data-action="sweep"]', { hasText: 'Sweep of 2 runs' }).click();
  const posted = (await page.posted()).filter((m) => m.type === 'sweep');
  assert.deepEqual(posted, [{ type: 'sweep', runIds: ['r4', 'r2', 'r1'] }, { type: 'sweep', runIds: ['r2', 'r1'] }]);
});
