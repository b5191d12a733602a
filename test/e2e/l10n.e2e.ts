import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  goToLine, openFile, openWorkbench, runCommand, scenario, showHover, showRunsView, webviewFrame, type Workbench,
} from './harness';

// CNN Explorer in Chinese: VS Code's display language set to zh-cn (code-server's --locale), and
// the extension's commands, hovers, diagnostics, summary, graph and sidebar follow it. Offline
// there is no language pack for VS Code's own strings, so the workbench around them (menus,
// File: Open File…) stays English; scripts/vscode-server.ts explains why that still switches
// the language extensions see.

let wb: Workbench;

before(async () => { wb = await openWorkbench({}, {}, 'zh-cn'); });
after(async () => { await wb?.close(); });

test('the UI in Simplified Chinese', async (t) => {
  await scenario(t, () => wb, 'l10n-01-hover-and-codelens-in-chinese', async (page) => {
    await page.keyboard.press('Escape');
    await openFile(page, 'lenet.cnn.ts');
    await page.locator('.monaco-editor .codelens-decoration', { hasText: '结构图' }).first().waitFor({ timeout: 90_000 });
    await goToLine(page, 8, 4); // inside `conv2d(6, 5, { padding: 2 })`
    await showHover(page);
    const hover = page.locator('.monaco-hover', { hasText: '28×28×1 → 28×28×6' }).first();
    await hover.waitFor();
    const text = await hover.innerText();
    assert.match(text, /参数量：可训练 156，不可训练 0/);
    assert.match(text, /感受野：5×5 · 步距 1 · 中心/);
  });

  await scenario(t, () => wb, 'l10n-02-palette-lists-the-commands-in-chinese', async (page) => {
    // After the first scenario: the palette lists an extension's commands once it is registered.
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    // Each title typed in full (the list only renders the rows in view); VS Code shows the
    // English title under a translated one, so that either finds the command.
    for (const title of ['CNN: 训练模型', 'CNN: 比较训练记录', 'CNN: 显示模型结构图', 'CNN: 显示模型摘要']) {
      await input.fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    }
    await input.fill('>CNN: ');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'CNN: 导出为 PyTorch' }).first().waitFor();
  });

  await scenario(t, () => wb, 'l10n-03-summary-in-chinese', async (page) => {
    await page.keyboard.press('Escape');
    await runCommand(page, 'CNN: 显示模型摘要');
    const summary = page.locator('.monaco-editor .view-lines', { hasText: '可训练参数' }).first();
    await summary.waitFor();
    assert.match(await summary.innerText(), /感受野/);
  });

  await scenario(t, () => wb, 'l10n-04-graph-in-chinese', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await runCommand(page, 'CNN: 显示模型结构图');
    const graph = await webviewFrame(page, 'svg.graph g.node[data-node-id]');
    await graph.locator('vscode-button', { hasText: '全部展开' }).waitFor();
    await graph.locator('.totals', { hasText: '参数量 61,706' }).waitFor();
    await graph.locator('g.node[data-node-id="conv2d_2"]').hover();
    await graph.locator('#graph-tooltip', { hasText: '感受野' }).waitFor();
  });

  await scenario(t, () => wb, 'l10n-05-diagnostic-in-chinese', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await goToLine(page, 12, 3);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete'); // removes `flatten(),`: dense_1 now gets 5×5×16
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await goToLine(page, 13, 4); // dense(120), now dense_1's call
    await showHover(page);
    await page.locator('.monaco-hover', { hasText: 'dense_1：输入为 5×5×16，但 dense 需要展平的输入；请在它之前加上 flatten()' }).first().waitFor();
  });

  await scenario(t, () => wb, 'l10n-06-sidebar-in-chinese', async (page) => {
    await page.keyboard.press('Escape');
    const runs = await showRunsView(page);
    await runs.locator('.runs-list', { hasText: '还没有训练记录' }).waitFor();
    await runs.locator('vscode-button', { hasText: '训练模型' }).waitFor();
    await page.locator('.part.sidebar', { hasText: '训练记录' }).first().waitFor();
  });
});
