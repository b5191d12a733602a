import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  openFile, openWorkbench, pickRow, runCommand, runsView, scenario, screenshot, showRunsView, stopLiveRuns, trainWithCli, trainWithEpochs,
  type Workbench,
} from './harness';
import { ROOT } from '../../scripts/vscode-server';

// A run's life around the user: which export to train when a file has several, a window reload
// in the middle of a run (the run goes on and the reloaded window follows it again from its
// folder), and failures met from Train Model: a model file that throws, a dataset that is not there.
// Each scenario makes what it needs when the ones before it did not (a failure in one is then
// that scenario's failure alone).

let wb: Workbench;
before(async () => {
  // The tfjs engine (wasm) unless a scenario says otherwise: with PyTorch installed, `auto` would
  // pick torch here, and 48 is the scenario about torch.
  // Downloads off: scenario 44 meets a dataset that is nowhere (a download would need the network).
  wb = await openWorkbench({ 'cnnExplorer.limitTrain': 3000, 'cnnExplorer.limitTest': 500, 'cnnExplorer.backend': 'wasm', 'cnnExplorer.downloadDatasets': false });
});
after(async () => { await wb?.close(); });

/** Pids of the processes whose command line names `text` (from /proc: Linux, as the e2e suite). */
function processesNaming(text: string): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

/** Train Model on mlp-vs-cnn.cnn.ts's CNN for 1,000 epochs: a run that trains until a test stops it. */
async function startLongCnnRun(page: Page): Promise<void> {
  await stopLiveRuns(page, wb);
  await openFile(page, 'mlp-vs-cnn.cnn.ts');
  await runCommand(page, 'CNN: Train Model');
  await page.locator('.quick-input-widget input[placeholder="Which model?"]').waitFor();
  await pickRow(page, 'CNN');
  await trainWithEpochs(page, 1000);
}

/** Selects the newest run listed with one of `statuses`, after making one with the CLI when none is. */
async function selectRun(page: Page, statuses: string[], make: () => void): Promise<string> {
  const view = await showRunsView(page);
  const rows = view.locator(statuses.map((s) => `.run-row.status-${s}`).join(', '));
  if (await rows.count() === 0) {
    make();
    await rows.first().waitFor({ timeout: 30_000 });
  }
  await rows.first().click();
  return (await rows.first().getAttribute('data-run-id'))!;
}

/** The toast with `text`, and a click on its `action` button. */
async function clickToastAction(page: Page, text: RegExp, action: string): Promise<string> {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout: 120_000 });
  const message = await toast.locator('.notification-list-item-message').innerText();
  await toast.locator('.monaco-button', { hasText: action }).click();
  return message;
}

test('a run around the user', async (t) => {
  await scenario(t, () => wb, '40-which-export', async (page) => {
    await openFile(page, 'mlp-vs-cnn.cnn.ts');
    await runCommand(page, 'CNN: Train Model');
    await page.locator('.quick-input-widget input[placeholder="Which model?"]').waitFor();
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.deepEqual(rows.map((r) => /^\s*(MLP|CNN)/.exec(r)?.[1]).sort(), ['CNN', 'MLP'], 'both exports');
    await page.keyboard.press('Escape');
    await startLongCnnRun(page);
    await screenshot(page, '40-which-export-started');
    const view = await showRunsView(page);
    await view.locator('.detail-header', { hasText: 'CNN · running' }).waitFor({ timeout: 60_000 });
    // Past its first epoch, whichever it has reached by now (an epoch of 3,000 images takes well
    // under a second: a window of a few epochs to look in would be a timing bet). The run is long
    // (1,000 epochs) so that it is still training through the reload below; the test stops it.
    await view.locator('.progress-line', { hasText: /epoch (?!1\/)\d+\/1000/ }).waitFor({ timeout: 120_000 });
  });

  await scenario(t, () => wb, '41-reload-follows-live-run', async (page) => {
    let view = await showRunsView(page);
    if (await view.locator('.run-row.status-running').count() === 0) {
      await startLongCnnRun(page);
      view = await showRunsView(page);
      await view.locator('.progress-line', { hasText: /epoch \d+\/1000/ }).waitFor({ timeout: 120_000 });
    }
    const runId = await view.locator('.run-row.status-running').first().getAttribute('data-run-id');
    assert.ok(runId);
    const reloaded = page.waitForEvent('load');
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });
    // The new window's extension host finds the run alive in its folder and follows it again:
    // the status bar, the sidebar's live progress and its Stop button.
    await page.locator('.statusbar-item', { hasText: /CNN\sepoch\s\d+\/1000/ }).first().waitFor({ timeout: 60_000 });
    const after = await showRunsView(page);
    await after.locator(`.run-row.status-running[data-run-id="${runId}"]`).waitFor({ timeout: 30_000 });
    const epoch = async () => Number(/epoch (\d+)\/1000/.exec(await after.locator('.progress-line').innerText())![1]);
    await after.locator('.progress-line', { hasText: /epoch \d+\/1000/ }).waitFor({ timeout: 30_000 });
    const first = await epoch();
    await after.locator('.progress-line', { hasText: new RegExp(`epoch (?!${first}/)\\d+/1000`) }).waitFor({ timeout: 60_000 });
    assert.ok(await epoch() > first, 'the curves keep moving after the reload');
    await after.locator('[data-action="stop"]').click();
    await after.locator(`.run-row.status-stopped[data-run-id="${runId}"]`).waitFor({ timeout: 60_000 });
    await after.locator('.detail-header', { hasText: 'CNN · stopped' }).waitFor();
    // The runs list says on what it trained, and on which backend.
    assert.equal(await after.locator(`.run-row[data-run-id="${runId}"] .run-dataset`).innerText(), 'mnist · wasm');
    await page.locator('.notification-toast', { hasText: /CNN: run stopped: best test accuracy \d+\.\d\d% \(epoch \d+\)/ }).first()
      .waitFor({ timeout: 30_000 });
  });

  await scenario(t, () => wb, '42-confusion-counts-on-hover', async (page) => {
    await selectRun(page, ['stopped', 'completed'], () => {
      trainWithCli(wb, 'mlp-vs-cnn.cnn.ts', ['--model', 'cnn', '--epochs', '1', '--limit-train', '500', '--limit-test', '100']);
    });
    const view = await runsView(page);
    await view.locator('.confusion svg.heatmap').first().waitFor();
    const cell = view.locator('.confusion svg.heatmap rect.cell[data-row="3"][data-col="3"]');
    await cell.hover();
    const tip = await cell.locator('title').textContent();
    assert.match(tip ?? '', /^true 3, predicted 3: \d+ /, `the count of one cell: ${tip}`);
  });

  await scenario(t, () => wb, '43-model-that-throws-opens-at-the-error', async (page) => {
    await stopLiveRuns(page, wb);
    fs.writeFileSync(path.join(wb.workspace, 'throws.cnn.ts'), [
      "import { model, dense, flatten } from 'cnn-explorer';",
      'const sizes = undefined as unknown as { hidden: number }; export default model("T", [28, 28, 1], [flatten(), dense(sizes.hidden)]);',
      '',
    ].join('\n'));
    await openFile(page, 'throws.cnn.ts');
    await page.keyboard.press('Control+Home');
    await runCommand(page, 'CNN: Train Model');
    const message = await clickToastAction(page, /throws\.cnn\.ts:2: /, 'Open File');
    assert.match(message, /^throws\.cnn\.ts:2: TypeError: Cannot read properties of undefined \(reading 'hidden'\)/);
    await page.locator('.statusbar-item', { hasText: /Ln 2, Col \d+/ }).first().waitFor();
  });

  await scenario(t, () => wb, '44-missing-dataset-sets-data-folder', async (page) => {
    await stopLiveRuns(page, wb);
    await openFile(page, 'resnet18-cifar.cnn.ts');
    await runCommand(page, 'CNN: Train Model');
    await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
    await page.keyboard.press('Enter');
    const message = await clickToastAction(page, /Training failed: .*cifar10: not found/, 'Set Data Folder');
    assert.match(message, /inside a data folder \(the setting cnnExplorer\.dataDir: Set Data Folder\)/);
    assert.doesNotMatch(message, /--data-dir/, 'no CLI flag for an editor user');
    await page.locator('.settings-editor .setting-item', { hasText: 'Data Dir' }).first().waitFor();
    await page.keyboard.press('Escape'); // the settings editor opens as a modal: the palette waits behind it
    const view = await showRunsView(page);
    await view.locator('.run-row.status-failed').first().waitFor();
  });

  await scenario(t, () => wb, '45-open-run-folder', async (page) => {
    // A browser VS Code cannot open the OS's file manager: the folder is revealed in the Explorer.
    await page.keyboard.press('Escape');
    const runId = await selectRun(page, ['failed'], () => { trainWithCli(wb, 'resnet18-cifar.cnn.ts', ['--epochs', '1']); });
    const view = await runsView(page);
    await view.locator('[data-action="open-folder"]').click();
    await page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: runId! }).waitFor();
  });

  await scenario(t, () => wb, '46-trainer-crash', async (page) => {
    await stopLiveRuns(page, wb);
    // This time from the CodeLens above the CNN's export (the second model in the file): no
    // "Which model?", straight to the overrides remembered for this file.
    let view = await showRunsView(page);
    const ids = () => view.locator('.run-row.status-running').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
    const earlier = new Set(await ids());
    await openFile(page, 'mlp-vs-cnn.cnn.ts');
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: /^Train$/ }).nth(1).click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: "with the file's training block" }).first().waitFor();
    if (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'with epochs 1000' }).count() > 0) {
      await page.keyboard.press('Enter'); // the overrides remembered for this file (from 40)
    } else {
      await trainWithEpochs(page, 1000);
    }
    view = await showRunsView(page);
    // The run this CodeLens started: the running one that was not running before (a run that an
    // earlier failed scenario left behind may be running too).
    let runId: string | undefined;
    for (let i = 0; i < 240 && !runId; i++) {
      runId = (await ids()).find((id) => id && !earlier.has(id)) ?? undefined;
      if (!runId) await page.waitForTimeout(250);
    }
    assert.ok(runId, 'the CodeLens started a run');
    await view.locator(`.run-row[data-run-id="${runId}"]`).click();
    await view.locator('.progress-line', { hasText: /epoch (?!1\/)\d+\/1000/ }).waitFor({ timeout: 120_000 });
    // The trainer dies the hard way (what an out-of-memory kill looks like): no last word.
    const record = JSON.parse(fs.readFileSync(path.join(wb.workspace, '.cnn-runs', runId, 'run.json'), 'utf8')) as { pid: number };
    process.kill(record.pid, 'SIGKILL');
    const toast = page.locator('.notification-toast', { hasText: /Training was interrupted: the trainer exited \(SIGKILL\)/ }).first();
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: 'Open Run Folder' }).waitFor();
    assert.doesNotMatch(await toast.innerText(), /Warning:/, 'library start-up warnings are not the reason');
    await view.locator(`.run-row.status-interrupted[data-run-id="${runId}"]`).waitFor({ timeout: 30_000 });
    await view.locator('.detail-header', { hasText: 'CNN · interrupted' }).waitFor();
    // The epochs it finished are kept.
    await view.locator('svg.line-chart circle.marker').first().waitFor();
    assert.equal(await page.locator('.statusbar-item', { hasText: /CNN\sepoch/ }).count(), 0, 'no live run in the status bar');
  });

  await scenario(t, () => wb, '47-forced-backend-absent', async (page) => {
    await stopLiveRuns(page, wb);
    // tfjs-node is not installed here: forcing it is a clear failure with the way out.
    const settingsFile = path.join(wb.workspace, '.vscode', 'settings.json');
    const settings = fs.readFileSync(settingsFile, 'utf8');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(settings), 'cnnExplorer.backend': 'tensorflow' }));
    try {
      await openFile(page, 'lenet.cnn.ts');
      await runCommand(page, 'CNN: Train Model');
      await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
      await page.keyboard.press('Enter');
      const message = await clickToastAction(page, /Training failed: backend 'tensorflow'/, 'Pick Another Backend');
      assert.match(message, /npm install @tensorflow\/tfjs-node/, 'says how to get it');
      await page.locator('.settings-editor .setting-item', { hasText: 'Backend' }).first().waitFor();
    } finally {
      fs.writeFileSync(settingsFile, settings);
    }
  });

  await scenario(t, () => wb, '48-torch-engine-live-and-stop', async (page) => {
    // The same Train Model on the torch engine (Debian's PyTorch here): the sidebar follows the
    // Python trainer live and its Stop button stops it, as for a tfjs run.
    await stopLiveRuns(page, wb);
    const settingsFile = path.join(wb.workspace, '.vscode', 'settings.json');
    const settings = fs.readFileSync(settingsFile, 'utf8');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(settings), 'cnnExplorer.backend': 'torch' }));
    try {
      await openFile(page, 'lenet.cnn.ts');
      await runCommand(page, 'CNN: Train Model');
      await trainWithEpochs(page, 1000);
      const view = await showRunsView(page);
      const row = view.locator('.run-row.status-running', { hasText: 'mnist · torch' }).first();
      await row.waitFor({ timeout: 120_000 });
      const runId = (await row.getAttribute('data-run-id'))!;
      await row.click();
      await view.locator('.detail-header', { hasText: 'LeNet-5 · running' }).waitFor();
      await view.locator('.progress-line', { hasText: /epoch (?!1\/)\d+\/1000/ }).waitFor({ timeout: 120_000 });
      // An epoch's point on the curves (one epoch draws a point, not yet a line).
      await view.locator('svg.line-chart circle.marker').first().waitFor();
      await view.locator('[data-action="stop"]').click();
      await view.locator(`.run-row.status-stopped[data-run-id="${runId}"]`).waitFor({ timeout: 60_000 });
      await view.locator('.detail-header', { hasText: 'LeNet-5 · stopped' }).waitFor();
      const record = JSON.parse(fs.readFileSync(path.join(wb.workspace, '.cnn-runs', runId, 'run.json'), 'utf8')) as { backend: { name: string } };
      assert.equal(record.backend.name, 'torch');
      assert.ok(fs.existsSync(path.join(wb.workspace, '.cnn-runs', runId, 'checkpoints', 'last', 'weights.safetensors')), 'Stop saved checkpoints/last');
    } finally {
      fs.writeFileSync(settingsFile, settings);
    }
  });

  await scenario(t, () => wb, '49-ddp-run-followed-and-stopped', async (page) => {
    // A DDP run (two CPU processes through torchrun) started from a terminal into the workspace's
    // runs folder: the sidebar shows its world size and devices; a window opened on the workspace
    // (here: reloaded) follows the live run, and its Stop button stops every rank (SIGTERM to
    // run.json's pid, rank 0's), leaving no process behind.
    await stopLiveRuns(page, wb);
    const cli = spawn(process.execPath, [
      path.join(ROOT, 'dist', 'cli.js'), 'train', path.join(wb.workspace, 'mlp-vs-cnn.cnn.ts'), '--model', 'cnn',
      '--backend', 'torch', '--python', '/usr/bin/python3', '--nproc-per-node', '2', '--epochs', '1000',
      '--limit-train', '3000', '--limit-test', '500', '--runs-dir', path.join(wb.workspace, '.cnn-runs'), '--json',
    ], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    cli.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<void>((resolve) => cli.once('exit', () => resolve()));
    try {
      let view = await showRunsView(page);
      const row = view.locator('.run-row.status-running', { hasText: 'cpu ×2 · DDP' }).first();
      await row.waitFor({ timeout: 120_000 });
      const runId = (await row.getAttribute('data-run-id'))!;
      const reloaded = page.waitForEvent('load');
      await runCommand(page, 'Developer: Reload Window');
      await reloaded;
      await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });
      view = await showRunsView(page);
      await view.locator(`.run-row.status-running[data-run-id="${runId}"]`).click({ timeout: 60_000 });
      await view.locator('.detail-backend', { hasText: 'torch · cpu ×2 · DDP' }).waitFor();
      await view.locator('.progress-line', { hasText: /epoch \d+\/1000/ }).waitFor({ timeout: 60_000 });
      await view.locator('[data-action="stop"]').click();
      await view.locator(`.run-row.status-stopped[data-run-id="${runId}"]`).waitFor({ timeout: 60_000 });
      await exited;
      const result = JSON.parse(out.trim().split('\n').pop()!) as { status: string; worldSize: number };
      assert.deepEqual([result.status, result.worldSize], ['stopped', 2]);
      const specPath = path.join(wb.workspace, '.cnn-runs', runId, 'spec.json');
      assert.deepEqual(processesNaming(specPath), [], 'no rank, torchrun or launcher left');
    } finally {
      cli.kill('SIGTERM');
    }
  });
});
