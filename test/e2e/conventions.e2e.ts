import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  focusFirstEditorGroup, openFile, openWorkbench, pickRow, runCommand, scenario, stopLiveRuns, trainWithEpochs,
  webviewFrame, type Workbench,
} from './harness';

// The editor's conventions, as a user meets them: a model file's title bar has the graph, summary
// and Train buttons (Stop while a run trains), New Model File writes a template and the
// extension analyses it at once, and the Get Started walkthrough's buttons run the commands and
// tick their steps.

let wb: Workbench;
before(async () => {
  wb = await openWorkbench({
    // A run only as long as the Stop scenario needs it, on the embedded engine.
    'cnnExplorer.limitTrain': 256, 'cnnExplorer.limitTest': 64, 'cnnExplorer.backend': 'wasm',
  });
});
after(async () => { await wb?.close(); });

/** The active editor group's title-bar action whose label (tooltip) starts with `label`. */
const titleAction = (page: Page, label: string) =>
  page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label^="${label}"]`).first();

test('the editor conventions', async (t) => {
  await scenario(t, () => wb, '60-title-buttons', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await titleAction(page, 'Show Model Graph').click();
    const graph = await webviewFrame(page, 'svg.graph g.node[data-node-id]');
    assert.ok(await graph.locator('g.node[data-node-id]').count() > 5);
    // To the side, as Markdown's preview: the model file keeps its group.
    assert.ok(await page.locator('.editor-group-container').count() >= 2, 'the graph opens in a second group');
    await focusFirstEditorGroup(page);
    await titleAction(page, 'Show Model Summary').click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'Trainable params' }).first().waitFor();
    // Train asks how (the file's block, or other epochs); Escape leaves it there.
    await focusFirstEditorGroup(page);
    await titleAction(page, 'Train Model').click();
    await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
    await page.keyboard.press('Escape');
    // No run trains: the title offers Train, not Stop.
    assert.equal(await titleAction(page, 'Stop Training').count(), 0);
  });

  await scenario(t, () => wb, '61-new-model-file', async (page) => {
    await focusFirstEditorGroup(page);
    await runCommand(page, 'CNN: New Model File');
    await page.locator('.quick-input-widget input[placeholder="Start from a template"]').waitFor();
    await pickRow(page, 'ResNet-18');
    // The save dialog offers the workspace folder and the template's name; Enter accepts it.
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value.endsWith('/resnet.cnn.ts') ?? false);
    await page.keyboard.press('Enter');
    await page.locator('.tab.active[aria-label*="resnet.cnn.ts"]').first().waitFor({ timeout: 30_000 });
    // Analysed at once: the stem's convolution keeps CIFAR-10's 32×32, and nothing is wrong.
    await page.locator('.monaco-editor', { hasText: '→ 32×32×64' }).first().waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.editor-group-container.active .monaco-editor .squiggly-error').count(), 0);
    const written = fs.readFileSync(path.join(wb.workspace, 'resnet.cnn.ts'), 'utf8');
    assert.match(written, /^export default model\('ResNet-18 \(CIFAR-10\)', \[32, 32, 3\]/m);
  });

  await scenario(t, () => wb, '62-walkthrough', async (page) => {
    // Nothing open: the graph that shows up below is the one the walkthrough's button opened.
    await page.keyboard.press('Escape');
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
    await runCommand(page, 'Welcome: Open Walkthrough');
    await pickRow(page, 'Get Started with CNN Explorer');
    const step = (id: string) => page.locator(`button.getting-started-step[data-step-id$="${id}"]`);
    const stepButton = (label: string) => page.locator('.getting-started-step .button-container .monaco-button', { hasText: label }).first();
    await step('openModel').waitFor();
    // The step's page beside it, from the packaged media/walkthrough/.
    await webviewFrame(page, 'h1:has-text("A model is a file")', 30_000);
    await stepButton('Open LeNet-5').click();
    await page.locator('.tab[aria-label*="lenet.cnn.ts"]').first().waitFor();
    await step('openModel').and(page.locator('[aria-checked="true"]')).waitFor();
    // The next step's button acts on the model file in view, though the walkthrough has the focus.
    await step('seeShapes').click();
    await stepButton('Show Model Graph').click();
    await webviewFrame(page, 'svg.graph g.node[data-node-id]');
    await step('seeShapes').and(page.locator('[aria-checked="true"]')).waitFor();
    assert.equal(await page.locator('.notification-toast', { hasText: /Error reading|Open a model file/ }).count(), 0);
  });

  await scenario(t, () => wb, '63-train-and-stop-from-the-title', async (page) => {
    await stopLiveRuns(page, wb);
    // One editor open: focusing the first group then cannot bring another tab to the front.
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'lenet.cnn.ts');
    await titleAction(page, 'Train Model').click();
    await trainWithEpochs(page, 1000);
    // While the run trains the title's Train becomes Stop; Stop ends the run and brings Train back.
    await focusFirstEditorGroup(page);
    await titleAction(page, 'Stop Training').waitFor({ timeout: 60_000 });
    await titleAction(page, 'Stop Training').click();
    await titleAction(page, 'Train Model').waitFor({ timeout: 60_000 });
    assert.equal(await titleAction(page, 'Stop Training').count(), 0);
  });
});
