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
import type { ExtensionToSidebar, InsightResult, SidebarToExtension } from '../../../../src/shared/messages';
import type { InsightImage } from '../../../../src/shared/trainerProtocol';
import { CLASSES, writeFixtureRun } from '../../../support/runFixtures';
import { launchChromium, openWebviewPage, ORIGIN } from '../../../support/webviewHarness';
import { REPO_ROOT } from '../../../support/paths';

// The sidebar's real bundle in headless Chromium: a click on a confusion cell asks for that
// cell's images, their answer draws as thumbnails with the prediction's probability, and a click
// on one asks for its Grad-CAM, which draws over the image (or says it is zero everywhere).

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

const image = (index: number, p: number): InsightImage => ({
  index, label: 3, predicted: 5, probabilities: CLASSES.map((_, c) => (c === 5 ? p : (1 - p) / (CLASSES.length - 1))),
  pixels: Array.from({ length: 28 * 28 }, (_, i) => (i % 28 > 10 && i % 28 < 18 ? 255 : 0)),
});

test('a confusion cell opens onto its test images, and an image onto its Grad-CAM', async () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-sidebar-insight-'));
  after(() => fs.rmSync(runsDir, { recursive: true, force: true }));
  const id = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: [CLASSES.map(() => 90)], at: new Date(2026, 5, 1) });
  const page = await openWebviewPage<ExtensionToSidebar, SidebarToExtension>(browser, {
    name: 'sidebar-insight',
    html: webviewPageHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/sidebar.js`, styleUri: `${ORIGIN}/sidebar.css` }, { title: 'runs', body: '<main id="app"></main>' }),
    files: { '/sidebar.js': { type: 'text/javascript', body: bundle.js }, '/sidebar.css': { type: 'text/css', body: bundle.css } },
  });
  const detail = { type: 'detail', runId: id, comparison: compareRuns(loadRuns(runsDir, [id])), progress: null } as const;
  await page.send(detail);
  await page.page.click('.confusion svg [data-row="3"][data-col="5"]');
  const asks = async () => (await page.posted()).filter((m) => m.type === 'insight');
  const [cellAsk] = await asks();
  assert.deepEqual(cellAsk, { type: 'insight', runId: id, requestId: 1, query: { type: 'cell', actual: 3, predicted: 5, limit: 24 } });
  const reply = (requestId: number, answer: InsightResult['answer']): InsightResult => ({
    type: 'insight', requestId, runId: id, answer, classNames: CLASSES, imageShape: [28, 28, 1], note: '',
  });
  await page.send(reply(1, { type: 'cell', actual: 3, predicted: 5, total: 30, images: [image(7, 0.8), image(12, 0.55)] }));
  assert.equal(await page.page.textContent('.insight-cell h3'), `True ${CLASSES[3]}, predicted ${CLASSES[5]}`);
  assert.match(await page.page.textContent('.insight-cell') ?? '', /30 test images; the first 2:/);
  assert.deepEqual(await page.page.$$eval('.insight-thumb .insight-prob', (ps) => ps.map((p) => p.textContent)), [`p(${CLASSES[5]}) 80%`, `p(${CLASSES[5]}) 55%`]);
  // The detail redraws (a refresh of the runs folder): the cell's images stay.
  await page.send(detail);
  assert.equal(await page.page.locator('.insight-thumb canvas').count(), 2);

  await page.page.click('.insight-thumb[data-image="12"]');
  const camAsk = (await asks())[1];
  assert.deepEqual(camAsk, { type: 'insight', runId: id, requestId: 2, query: { type: 'gradCam', image: 12, classIndex: 5 } });
  const hot = Array.from({ length: 28 * 28 }, (_, i) => (i < 28 * 14 ? 1 : 0)); // the top half
  await page.send(reply(2, { type: 'gradCam', image: image(12, 0.55), classIndex: 5, nodeId: 'relu_2', map: { height: 28, width: 28, values: hot } }));
  assert.match(await page.page.textContent('.insight-cam') ?? '', /Grad-CAM at relu_2/);
  // The overlay colours the hot half and leaves the cold half nearly as it was (black stays dark).
  const [top, bottom] = await page.page.$eval('.grad-cam canvas', (c) => {
    const ctx = (c as HTMLCanvasElement).getContext('2d')!;
    return [Array.from(ctx.getImageData(0, 0, 1, 1).data), Array.from(ctx.getImageData(0, 27, 1, 1).data)];
  });
  assert.ok(top![0]! > 100, `hot corner is red: ${top}`);
  assert.ok(bottom![0]! < 40 && bottom![1]! < 40, `cold corner stays dark: ${bottom}`);
  assert.doesNotMatch(await page.page.textContent('.insight-cam') ?? '', /zero everywhere/);

  await page.page.click('.insight-thumb[data-image="7"]');
  await page.send(reply(3, { type: 'gradCam', image: image(7, 0.8), classIndex: 5, nodeId: 'relu_2', map: { height: 28, width: 28, values: hot.map(() => 0) } }));
  assert.match(await page.page.textContent('.insight-cam') ?? '', /Grad-CAM is zero everywhere: nothing at relu_2 raises the score of class/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(await page.violations(), []);
});
