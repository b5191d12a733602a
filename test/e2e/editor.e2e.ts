import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  goToLine, openFile, openWorkbench, runCommand, scenario, showHover, webviewFrame, type Workbench,
} from './harness';

// The editor as a user meets it in a real VS Code (code-server): the extension activates on a
// model file, its commands run from the palette, hovers, the graph, click-to-source, squiggles.

let wb: Workbench;

/** Each scenario sets up what it needs: one that failed leaves the next one's start unchanged. */
async function graphOf(page: Page, file: string, selector = 'svg.graph g.node[data-node-id]') {
  await openFile(page, file);
  await runCommand(page, 'CNN: Show Model Graph');
  return webviewFrame(page, selector);
}

before(async () => { wb = await openWorkbench(); });
after(async () => { await wb?.close(); });

test('editor and graph', async (t) => {
  await scenario(t, () => wb, '01-activates-on-a-model-file', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    // The extension is active once its inlay hints and CodeLens appear on the layer calls.
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Graph' }).first().waitFor({ timeout: 90_000 });
    await page.locator('.monaco-editor', { hasText: '→ 28×28×6' }).first().waitFor();
  });

  await scenario(t, () => wb, '02-summary-from-the-palette', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await runCommand(page, 'CNN: Show Model Summary');
    await page.locator('.monaco-editor .view-lines', { hasText: 'Trainable params' }).first().waitFor();
    const text = await page.locator('.monaco-editor .view-lines', { hasText: 'Trainable params' }).first().innerText();
    assert.match(text, /61,706/);
  });

  await scenario(t, () => wb, '03-hover-a-conv-call', async (page) => {
    await openFile(page, 'resnet18.cnn.ts');
    await goToLine(page, 29, 6); // inside `conv2d(64, 7, { stride: 2, padding: 3, bias: false })`
    await showHover(page);
    await page.locator('.monaco-hover', { hasText: '224×224×3 → 112×112×64' }).first().waitFor();
  });

  await scenario(t, () => wb, '04-graph-beside-the-editor', async (page) => {
    await page.keyboard.press('Escape');
    const graph = await graphOf(page, 'resnet18.cnn.ts');
    assert.ok(await graph.locator('g.node[data-node-id]').count() > 5);
  });

  await scenario(t, () => wb, '05-hover-a-node', async (page) => {
    const graph = await graphOf(page, 'resnet18.cnn.ts', 'svg.graph g.node[data-node-id="stem/conv2d_1"]');
    const stemConv = graph.locator('g.node[data-node-id="stem/conv2d_1"]');
    await stemConv.hover();
    await graph.locator('#graph-tooltip', { hasText: '112×112×64' }).waitFor();
  });

  await scenario(t, () => wb, '06-click-a-node-selects-its-call', async (page) => {
    const graph = await graphOf(page, 'resnet18.cnn.ts', 'svg.graph g.node[data-node-id="stem/conv2d_1"]');
    await graph.locator('g.node[data-node-id="stem/conv2d_1"]').click();
    await page.locator('.statusbar-item', { hasText: /selected/ }).first().waitFor();
    const status = await page.locator('.statusbar-item', { hasText: /selected/ }).first().innerText();
    assert.match(status, /Ln 29, Col 58 \(53 selected\)/, 'the whole conv2d(64, 7, …) call');
  });

  await scenario(t, () => wb, '07-shape-error-squiggle-and-marked-node', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await goToLine(page, 12, 3);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete'); // removes `flatten(),`: dense_1 now gets 5×5×16
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'CNN: Show Model Graph');
    const graph = await webviewFrame(page, 'g.node.error');
    assert.equal(await graph.locator('g.node.error').first().getAttribute('data-node-id'), 'dense_1');
  });

  await scenario(t, () => wb, '08-intellisense-without-npm-install', async (page) => {
    // The workspace holds model files only (no package.json, no node_modules): `cnn-explorer`
    // still resolves for VS Code's TypeScript, through the extension's TS server plugin.
    await openFile(page, 'vgg11.cnn.ts');
    await goToLine(page, 1, 1);
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // Completing a name inside an import from 'cnn-explorer' lists the module's exports.
    const tail = " } from 'cnn-explorer';";
    await page.keyboard.type(`import { con${tail}`);
    for (let i = 0; i < tail.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget .monaco-list-row', { hasText: 'conv2d' }).first().waitFor({ timeout: 60_000 });
  });

  await scenario(t, () => wb, '09-receptive-field-on-a-sample-image', async (page) => {
    await openFile(page, 'mlp-vs-cnn.cnn.ts');
    await runCommand(page, 'CNN: Show Model Graph');
    const graph = await webviewFrame(page, 'svg.graph g.node[data-node-id="conv2d_2"]');
    await graph.locator('g.node[data-node-id="conv2d_2"]').click();
    await graph.locator('vscode-button', { hasText: 'Receptive field' }).click();
    // The model trains on MNIST: its field is drawn over a real test digit.
    await graph.locator('image.rf-sample').waitFor({ state: 'attached', timeout: 60_000 });
    await graph.locator('.rf-field-outline').first().waitFor({ state: 'attached' });
  });

  await scenario(t, () => wb, '10-export-to-pytorch', async (page) => {
    await openFile(page, 'alexnet.cnn.ts');
    await runCommand(page, 'CNN: Export to PyTorch');
    // code-server's Save As is VS Code's own file dialog in the quick input: it offers the module
    // beside the model file, named after it; Enter accepts, as a user who agrees would press.
    const input = page.locator('.quick-input-widget input');
    await page.waitForFunction(() => {
      const box = document.querySelector<HTMLInputElement>('.quick-input-widget input');
      return box?.value.endsWith('/alexnet.py') ?? false;
    });
    assert.match(await input.inputValue(), /\/alexnet\.py$/);
    await page.keyboard.press('Enter');
    await page.locator('.tab.active[aria-label*="alexnet.py"]').first().waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: 'class Features(nn.Module)' }).first().waitFor();
    const written = fs.readFileSync(path.join(wb.workspace, 'alexnet.py'), 'utf8');
    assert.match(written, /^class \w+\(nn\.Module\):/m);
    assert.match(written, /^def build_model\(\)/m);
  });
});
