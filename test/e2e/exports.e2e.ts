import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { focusFirstEditorGroup, openFile, openWorkbench, pickRow, scenario, type Workbench } from './harness';

// Exports as a user makes them: the summary's title bar has Export Summary…, which asks for a
// format and where the text goes; saved, the file holds the Markdown table next to the model.

let wb: Workbench;
before(async () => { wb = await openWorkbench(); });
after(async () => { await wb?.close(); });

/** The active editor group's title-bar action whose label (tooltip) starts with `label`. */
const titleAction = (page: Page, label: string) =>
  page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label^="${label}"]`).first();

test('exports', async (t) => {
  await scenario(t, () => wb, 'exports-01-summary-as-markdown', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await titleAction(page, 'Show Model Summary').click();
    const summary = page.locator('.monaco-editor .view-lines', { hasText: 'Trainable params' }).first();
    await summary.waitFor();
    // The summary's group is the active one once it is clicked; its title bar offers the export.
    await focusFirstEditorGroup(page);
    await page.keyboard.press('Control+2');
    await titleAction(page, 'Export Summary').click();
    await pickRow(page, 'Markdown');
    await pickRow(page, 'Save As');
    // The save dialog offers the model's folder and the summary's name; Enter accepts it.
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value.endsWith('/lenet.summary.md') ?? false);
    await page.keyboard.press('Enter');
    const file = path.join(wb.workspace, 'lenet.summary.md');
    await page.locator('.notification-toast', { hasText: 'Saved the summary to' }).first().waitFor();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines[0], '**LeNet-5** (export default), input 28×28×1');
    assert.equal(lines[2], '| Layer | Type | Output | Params | MACs | Receptive field |');
    assert.ok(lines.includes('- Trainable params: 61,706'));
  });
});
