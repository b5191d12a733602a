import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { compareRuns, type Comparison } from '../../../../src/runs/compare';
import { loadRuns } from '../../../../src/runs/lookup';
import { updateRun } from '../../../../src/runs/store';
import { loadRunModels } from '../../../../src/runs/runModels';
import type { ExtensionToCompare } from '../../../../src/shared/messages';
import { writeFixtureRun, writeSeedFixtures, CLASSES } from '../../../support/runFixtures';
import { buildCompareBundle, launchChromium, openComparePage, type CompareBundle, type ComparePage } from '../../../support/compareHarness';

// The compare webview bundle in headless Chromium, on the page the extension serves (same CSP),
// fed a real Comparison computed from run folders (and the real architecture diff), as the
// extension posts it. Chromium missing is a failure, not a skip.

let browser: Browser;
let bundle: CompareBundle;
let comparison: Comparison;
const pages: ComparePage[] = [];
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-compare-view-'));
const runsDir = path.join(root, 'runs');
let ids: string[];

before(async () => {
  const seed = await writeSeedFixtures(runsDir);
  ids = [seed.mlp, seed.cnn, seed.mlpPerm, seed.cnnPerm];
  const runs = loadRuns(runsDir, ids);
  comparison = compareRuns(runs, await loadRunModels(runs.map((r) => r.record)));
  [bundle, browser] = await Promise.all([buildCompareBundle(), launchChromium()]);
});

after(async () => {
  for (const p of pages) {
    assert.deepEqual(await p.violations(), [], 'no Content-Security-Policy violations');
    assert.deepEqual(p.errors, [], 'no errors in the page');
  }
  await browser?.close();
});

async function open(theme = false): Promise<ComparePage> {
  const p = await openComparePage(browser, bundle, { theme });
  pages.push(p);
  return p;
}

function message(c: Comparison, live: string[] = []): ExtensionToCompare {
  return { type: 'comparison', comparison: c, runsDir, live, architecture: c.architectureDiff ? 'ready' : 'loading' };
}

async function show(p: ComparePage, c = comparison, live: string[] = []): Promise<void> {
  await p.send(message(c, live));
  await p.page.waitForSelector('section.config');
}

test('the config diff shows exactly the keys that differ, one column per run; the rest is folded away', async () => {
  const p = await open();
  await show(p);
  const rows = await p.page.$$eval('table.diff-table tbody tr', (trs) => trs.map((tr) => [
    tr.getAttribute('data-key'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent),
  ]));
  assert.deepEqual(rows, [
    ['model.name', 'MLP', 'CNN', 'MLP', 'CNN'],
    ['model.export', 'mlp', 'cnn', 'mlp', 'cnn'],
    ['permutePixels', '—', '—', '42', '42'],
  ]);
  // Cells that differ from run #1 are marked.
  assert.deepEqual(await p.page.$$eval('tr[data-key="permutePixels"] td', (tds) => tds.map((td) => td.classList.contains('changed'))), [false, false, true, true]);
  const same = await p.page.$$eval('vscode-collapsible.same tr', (trs) => trs.map((tr) => tr.getAttribute('data-key')));
  assert.deepEqual(same, Object.keys(comparison.configSame));
  assert.equal(await p.page.$eval('vscode-collapsible.same', (e) => e.getAttribute('heading')), `${same.length} settings the same`);
  assert.equal(await p.page.$eval('vscode-collapsible.same', (e) => (e as unknown as { open: boolean }).open), false, 'folded by default');
});

test('curves: one line per run and split, colours by run, dashes by split', async () => {
  const p = await open();
  await show(p);
  for (const metric of ['train_loss', 'test_loss', 'train_accuracy', 'test_accuracy']) {
    const series = await p.page.$$eval(`g.series[data-metric="${metric}"]`, (gs) => gs.map((g) => ({ run: g.getAttribute('data-run'), cls: g.getAttribute('class') })));
    assert.deepEqual(series.map((s) => s.run), ['0', '1', '2', '3'], `${metric}: a curve per run`);
    series.forEach((s, k) => assert.match(s.cls!, new RegExp(`\\brun-${k}\\b`)));
    const dash = metric.startsWith('train') ? 'dash-solid' : 'dash-dotted';
    assert.ok(series.every((s) => s.cls!.includes(dash)), `${metric} is ${dash}`);
  }
  // Each epoch is a point with its value in a tooltip.
  const markers = await p.page.$$eval('g.series[data-metric="test_accuracy"][data-run="3"] circle title', (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(markers, [
    `#4 ${ids[3]} · test accuracy · epoch 1: ${(comparison.curves.test_accuracy![3]![0]![1] * 100).toFixed(2)}%`,
    `#4 ${ids[3]} · test accuracy · epoch 2: ${(comparison.curves.test_accuracy![3]![1]![1] * 100).toFixed(2)}%`,
  ]);
  // The same run has the same colour in every chart: its class resolves to one stroke.
  const strokes = await p.page.$$eval('g.series[data-run="1"] path.line', (ps) => [...new Set(ps.map((x) => getComputedStyle(x).stroke))]);
  assert.equal(strokes.length, 1);
  const barFill = await p.page.$eval('rect.bar[data-run="1"]', (r) => getComputedStyle(r).fill);
  assert.equal(barFill, strokes[0]);
});

test('per-class accuracy: grouped bars for every run and class, deltas against run #1 in bars and table', async () => {
  const p = await open();
  await show(p);
  assert.equal(await p.page.locator('rect.bar[data-kind="accuracy"]').count(), 4 * CLASSES.length);
  assert.equal(await p.page.locator('rect.bar[data-kind="delta"]').count(), 3 * CLASSES.length);
  // The table: each run's own number and its delta.
  const table = await p.page.$$eval('table.per-class-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  table.forEach((cells, cls) => {
    cells.forEach((text, k) => {
      const own = comparison.perClassAccuracy.runs[k]![cls]!;
      const first = comparison.perClassAccuracy.runs[0]![cls]!;
      assert.ok(text!.startsWith(`${(own * 100).toFixed(2)}%`), `${text} shows ${own}`);
      if (k > 0) {
        const d = (own - first) * 100;
        const expected = Number(Math.abs(d).toFixed(2)) === 0 ? '0.00' : `${d > 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`;
        assert.ok(text!.endsWith(`(${expected})`), `${text} ends with (${expected})`);
      }
    });
  });
  // Delta bars point down where the run is worse.
  const negative = await p.page.$$eval('rect.bar[data-kind="delta"][data-run="3"]', (rs) => rs.map((r) => r.classList.contains('negative')));
  assert.deepEqual(negative, comparison.perClassDelta[3]!.map((d) => d < 0));
});

test('the confusion-matrix difference: a diverging heatmap for the chosen run against run #1', async () => {
  const p = await open();
  await show(p);
  const cells = await p.page.$$eval('section.confusion rect.cell', (rs) => rs.map((r) => ({ v: Number(r.getAttribute('data-value')), cls: r.getAttribute('class')! })));
  assert.equal(cells.length, 100);
  const expected = comparison.confusion.deltaRates[1]!.flat();
  cells.forEach((c, i) => {
    assert.ok(Math.abs(c.v - expected[i]!) < 1e-12);
    assert.ok(c.cls.includes(c.v > 0 ? 'pos' : c.v < 0 ? 'neg' : 'zero'));
  });
  const posFill = await p.page.$eval('section.confusion rect.cell.pos', (r) => getComputedStyle(r).fill);
  const negFill = await p.page.$eval('section.confusion rect.cell.neg', (r) => getComputedStyle(r).fill);
  assert.notEqual(posFill, negFill, 'two colours: a diverging scale');
  // Choose run #4: its cells, and the choice survives the next (live) update.
  await p.page.evaluate(() => {
    const select = document.querySelector('vscode-single-select.confusion-run') as HTMLElement & { value: string };
    select.value = '3';
    select.dispatchEvent(new Event('change'));
  });
  await p.page.waitForSelector('section.confusion figure[data-run="3"]');
  await show(p);
  const v = await p.page.$$eval('section.confusion rect.cell', (rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
  assert.deepEqual(v, comparison.confusion.deltaRates[3]!.flat());
});

test('the architecture diff: parameters, MACs, and the layers added, removed and changed', async () => {
  const p = await open();
  await show(p);
  const models = await p.page.$$eval('table.arch-models tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(models, [['#1#3', 'MLP', '6,442', '6,416', '7', '10'], ['#2#4', 'CNN', '6,422', '149,300', '11', '10']]);
  const changes = await p.page.$$eval('ul.layer-changes li', (lis) => lis.map((li) => [li.getAttribute('data-kind'), li.querySelector('code')!.textContent]));
  assert.deepEqual(changes.slice(0, 2), [['added', 'conv2d_1 (conv 6 · 5×5)'], ['changed', 'relu_1: output 8 → 24×24×6']]);
  assert.ok(changes.some(([k, t]) => k === 'removed' && t === 'dense_3 (dense 10)'));
  assert.ok(changes.some(([k, t]) => k === 'changed' && t === 'dense_1: units 8 → 50, params 6,280 → 4,850'));
  assert.equal(changes.length, comparison.architectureDiff!.pairs[0]!.changes.length);
});

test('run actions post messages, by mouse and by keyboard; the state remembers the runs', async () => {
  const p = await open();
  await show(p);
  await p.page.click(`article[data-run-id="${ids[1]}"] vscode-button[data-focus-key="rename:${ids[1]}"]`);
  await p.page.focus(`article[data-run-id="${ids[2]}"] vscode-button[data-focus-key="tags:${ids[2]}"]`);
  await p.page.keyboard.press('Enter');
  await p.page.focus(`vscode-button[data-focus-key="delete:${ids[3]}"]`);
  await p.page.keyboard.press('Space');
  await p.page.click('vscode-button[data-focus-key="add"]');
  await p.page.click(`vscode-button[data-focus-key="remove:${ids[0]}"]`);
  const posted = (await p.posted()).filter((m) => m.type !== 'ready');
  assert.deepEqual(posted, [
    { type: 'rename', runId: ids[1] },
    { type: 'editTags', runId: ids[2] },
    { type: 'delete', runId: ids[3] },
    { type: 'addRuns' },
    { type: 'remove', runId: ids[0] },
  ]);
  assert.deepEqual(await p.state(), { runIds: ids, runsDir });
});

test('a live run joins: status shown, its curve grows as epochs arrive, names and tags appear', async () => {
  const dir = path.join(root, 'live');
  const done = await writeFixtureRun(dir, { exportName: 'mlp', permutePixels: null, correct: [CLASSES.map(() => 60), CLASSES.map(() => 70)], at: new Date(2026, 4, 1) });
  const live = await writeFixtureRun(dir, { exportName: 'cnn', permutePixels: null, correct: [CLASSES.map(() => 65)], at: new Date(2026, 4, 2) });
  const base = compareRuns(loadRuns(dir, [done, live]));
  base.runs[1]!.status = 'running';
  const p = await open();
  await p.send(message(base, [live]));
  await p.page.waitForSelector('section.config');
  assert.equal(await p.page.textContent(`article[data-run-id="${live}"] .status`), '● live');
  assert.equal(await p.page.locator('g.series[data-metric="test_accuracy"][data-run="1"] circle').count(), 1);
  assert.equal(await p.page.textContent('section.architecture p'), 'Loading the models…');
  // The next epoch arrives (what the panel posts after reading metrics.jsonl again), and the run got a name.
  const grown = compareRuns(loadRuns(dir, [done, live]).map((r, k) => (k === 1 ? {
    ...r, epochs: [...r.epochs, { ...r.epochs[0]!, epoch: 2, test: { loss: 0.2, accuracy: 0.8 } }],
    meta: { name: 'CNN live', tags: ['seed-001'] },
  } : r)));
  await p.send(message(grown, [live]));
  await p.page.waitForFunction(() => document.querySelectorAll('g.series[data-metric="test_accuracy"][data-run="1"] circle').length === 2);
  assert.match(await p.page.textContent(`article[data-run-id="${live}"] .run-title`) ?? '', /#2 CNN live.*seed-001/);
});

test('a DDP run: its card says its world size and devices, and the config diff lists them against a run on one process', async () => {
  const dir = path.join(root, 'ddp');
  const plain = await writeFixtureRun(dir, { exportName: 'cnn', permutePixels: null, correct: [CLASSES.map(() => 80)], at: new Date(2026, 5, 1) });
  const ddp = await writeFixtureRun(dir, { exportName: 'cnn', permutePixels: null, correct: [CLASSES.map(() => 82)], at: new Date(2026, 5, 2) });
  // run.json as rank 0 of a two-process CPU run writes it (docs/distributed.md), made by hand.
  updateRun(path.join(dir, ddp), (r) => {
    r.backend = { name: 'torch', reason: 'requested', detail: 'cpu ×2 on 1 node, DDP (gloo), 32 per rank, 1 thread each, torch 1.13.1' };
    r.distributed = {
      worldSize: 2, nnodes: 1, nprocPerNode: 2, backend: 'gloo', perRankBatch: 32, syncBatchNorm: false,
      ranks: [0, 1].map((rank) => ({ rank, host: 'laptop', pid: 7000 + rank, device: 'cpu' })),
    };
  });
  const p = await open();
  await show(p, compareRuns(loadRuns(dir, [plain, ddp])));
  assert.match(await p.page.textContent(`article[data-run-id="${ddp}"] .run-sub`) ?? '', / · torch · cpu ×2 · DDP · /);
  assert.match(await p.page.textContent(`article[data-run-id="${plain}"] .run-sub`) ?? '', / · wasm · /);
  const rows = await p.page.$$eval('table.diff-table tbody tr', (trs) => trs.map((tr) => [
    tr.getAttribute('data-key'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent),
  ]));
  assert.deepEqual(rows.filter(([key]) => ['backend', 'worldSize', 'devices', 'perRankBatch', 'syncBatchNorm'].includes(key!)), [
    ['backend', 'wasm', 'torch'],
    ['worldSize', '1', '2'],
    ['devices', 'cpu', 'cpu ×2'],
    ['perRankBatch', '—', '32'],
    ['syncBatchNorm', '—', 'false'],
  ]);
});

test('screenshot of the seed-001 comparison (dark theme)', async () => {
  const p = await open(true);
  await show(p);
  const out = process.env.COMPARE_SCREENSHOT_DIR ?? path.join(root, 'shots');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, 'compare-view.png');
  await p.page.screenshot({ path: file, fullPage: true });
  assert.ok(fs.statSync(file).size > 20_000, 'a real picture');
});
