import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { compareRuns, type Comparison } from '../../../../src/runs/compare';
import { configDiffTable, metricsTable } from '../../../../src/runs/compareTables';
import { loadRuns } from '../../../../src/runs/lookup';
import type { CompareToExtension, ExportRequest } from '../../../../src/shared/messages';
import { toMarkdown } from '../../../../src/shared/tableFormats';
import { buildCompareBundle, launchChromium, openComparePage, type CompareBundle, type ComparePage } from '../../../support/compareHarness';
import { readCsv } from '../../../support/csv';
import { writeSeedFixtures } from '../../../support/runFixtures';

// The compare view's export buttons, in headless Chromium on the page the extension serves (same
// CSP), fed a real Comparison of run folders: each button posts one `export` message whose data
// is what a user pastes or opens elsewhere: the tables as Markdown and CSV, each chart as an SVG
// that renders without VS Code's theme, a PNG, and its numbers as CSV.

let browser: Browser;
let bundle: CompareBundle;
let comparison: Comparison;
const pages: ComparePage[] = [];
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-compare-exports-'));
const runsDir = path.join(root, 'runs');

before(async () => {
  const seed = await writeSeedFixtures(runsDir);
  comparison = compareRuns(loadRuns(runsDir, [seed.mlp, seed.cnn, seed.cnnPerm]));
  [bundle, browser] = await Promise.all([buildCompareBundle(), launchChromium()]);
});

after(async () => {
  for (const p of pages) {
    assert.deepEqual(await p.violations(), [], 'no Content-Security-Policy violations');
    assert.deepEqual(p.errors, [], 'no errors in the page');
  }
  await browser?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function shown(): Promise<ComparePage> {
  const p = await openComparePage(browser, bundle, { theme: true });
  pages.push(p);
  await p.send({ type: 'comparison', comparison, runsDir, live: [], architecture: 'loading' });
  await p.page.waitForSelector('section.curves figure.loss svg');
  return p;
}

/** Clicks the button and returns the export message it posted. */
async function exportBy(p: ComparePage, selector: string): Promise<ExportRequest> {
  const before = (await p.posted()).length;
  await p.page.click(selector);
  await p.page.waitForFunction((n) => (window as unknown as { __posted: unknown[] }).__posted.length > n, before);
  const message = (await p.posted()).at(-1) as CompareToExtension;
  assert.equal(message.type, 'export');
  return message as ExportRequest;
}

test('the metrics table copies as the Markdown table and as CSV with raw numbers', async () => {
  const p = await shown();
  const md = await exportBy(p, 'section.metrics vscode-button[data-export="md"]');
  assert.deepEqual({ ...md, data: '' }, { type: 'export', format: 'md', to: 'clipboard', suggestedName: 'metrics.md', what: 'metrics table', data: '' });
  assert.equal(md.data, toMarkdown(metricsTable(comparison)));
  const lines = md.data.trimEnd().split('\n');
  assert.equal(lines[1], '| --- | ---: | ---: | ---: | ---: | ---: | ---: |', 'a best and a final column per run, numbers right-aligned');
  assert.match(md.data, /\n\| test accuracy \| 87\.70% \| 87\.70% \| 95\.40% \| 95\.40% \| 72\.60% \| 72\.60% \|\n/);

  const csv = await exportBy(p, 'section.metrics vscode-button[data-export="csv"]');
  assert.equal(csv.to, 'clipboard');
  const rows = readCsv(csv.data);
  assert.deepEqual(rows[0], ['metric', ...comparison.runs.flatMap((r, k) => [`#${k + 1} ${r.id} best`, `#${k + 1} ${r.id} final`])]);
  const acc = rows.find((r) => r[0] === 'test accuracy')!;
  assert.deepEqual(acc.slice(1).map(Number), comparison.runs.flatMap((_, k) => [comparison.metrics.test_accuracy.best[k], comparison.metrics.test_accuracy.final[k]]));

  const file = await exportBy(p, 'section.metrics vscode-button[data-export="csv-file"]');
  assert.deepEqual([file.to, file.format, file.suggestedName, file.data], ['file', 'csv', 'metrics.csv', csv.data]);
});

test('the table of what differs copies as Markdown: one row per setting, one column per run', async () => {
  const p = await shown();
  const md = await exportBy(p, 'section.config vscode-button[data-export="md"]');
  assert.equal(md.data, toMarkdown(configDiffTable(comparison)));
  assert.deepEqual(md.data.trimEnd().split('\n').slice(2), [
    '| model.name | MLP | CNN | CNN |',
    '| model.export | mlp | cnn | cnn |',
    '| permutePixels | — | — | 42 |',
  ]);
});

test('a chart saves as an SVG that parses and carries its colours, not the theme\'s variables', async () => {
  const p = await shown();
  const m = await exportBy(p, 'figure.loss vscode-button[data-export="svg"]');
  assert.deepEqual([m.format, m.to, m.suggestedName, m.what], ['svg', 'file', 'loss.svg', 'loss chart']);
  assert.doesNotMatch(m.data, /var\(--/);
  assert.doesNotMatch(m.data, /class="/, 'no class left for a stylesheet that is not there');
  // Parsed as a standalone SVG document by the browser's XML parser, on a blank page (the
  // webview's CSP would refuse the style attributes a file opened elsewhere has).
  const blank = await browser.newPage();
  const parsed = await blank.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = doc.documentElement;
    const paths = [...doc.querySelectorAll('g[data-metric="train_loss"] path')] as SVGPathElement[];
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: svg.localName, ns: svg.namespaceURI, width: svg.getAttribute('width'), height: svg.getAttribute('height'),
      background: svg.firstElementChild?.getAttribute('fill'),
      strokes: paths.map((e) => e.style.getPropertyValue('stroke')),
      text: (doc.querySelector('svg svg text') as SVGTextElement | null)?.style.getPropertyValue('fill'),
      texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
    };
  }, m.data);
  await blank.close();
  assert.equal(parsed.error, null);
  assert.deepEqual([parsed.root, parsed.ns, parsed.width], ['svg', 'http://www.w3.org/2000/svg', '520']);
  // Its title above the chart, and a legend under it: each run's line for each curve.
  assert.equal(parsed.texts[0], 'Loss');
  const runs = comparison.runs.map((r, k) => `#${k + 1} ${r.id}`);
  assert.deepEqual(parsed.texts.slice(-6), runs.flatMap((r) => [`${r} · train loss`, `${r} · test loss`]));
  assert.equal(parsed.background, 'rgb(30, 30, 30)', 'the theme\'s editor background, resolved');
  // One train-loss line per run, in the run colours of the theme (blue, orange, green).
  assert.deepEqual(parsed.strokes, ['rgb(55, 148, 255)', 'rgb(209, 134, 22)', 'rgb(137, 209, 133)']);
  assert.equal(parsed.text, 'rgb(204, 204, 204)');
});

test('a chart saves as a PNG, twice its size', async () => {
  const p = await shown();
  const m = await exportBy(p, 'figure.accuracy vscode-button[data-export="png"]');
  assert.deepEqual([m.format, m.to, m.suggestedName], ['png', 'file', 'accuracy.png']);
  const png = Buffer.from(m.data, 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  assert.equal(png.readUInt32BE(16), 1040);
  assert.ok(png.readUInt32BE(20) > 520, 'the chart with its title and legend');
});

test('a chart\'s numbers save as CSV: the epoch, then each curve of each run', async () => {
  const p = await shown();
  const m = await exportBy(p, 'figure.loss vscode-button[data-export="csv"]');
  assert.deepEqual([m.format, m.to, m.suggestedName], ['csv', 'file', 'loss.csv']);
  const rows = readCsv(m.data);
  const runs = comparison.runs.map((r, k) => `#${k + 1} ${r.id}`);
  assert.deepEqual(rows[0], ['epoch', ...runs.map((r) => `train_loss ${r}`), ...runs.map((r) => `test_loss ${r}`)]);
  assert.deepEqual(rows.slice(1).map((r) => Number(r[0])), [1, 2]);
  for (const [k, curve] of comparison.curves.test_loss!.entries()) {
    assert.deepEqual(rows.slice(1).map((r) => Number(r[1 + runs.length + k])), curve.map((pt) => pt[1]));
  }
});
