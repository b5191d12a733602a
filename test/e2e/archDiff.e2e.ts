import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { goToLine, openFile, openWorkbench, runCommand, scenario, webviewFrame, type Workbench } from './harness';

// The architecture diff as a user meets it: the examples folder under git, one layer of LeNet
// changed in the editor, a CodeLens with the deltas vs HEAD, and "CNN: Compare Architecture with
// HEAD" opening the two versions merged, the changed layers coloured.

let wb: Workbench;

before(async () => {
  wb = await openWorkbench();
  const env = { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: wb.workspace, env, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'examples');
  // The git extension scans the repository that just appeared while the first file opens: give
  // each step more than the harness's default before calling it lost.
  wb.page.setDefaultTimeout(90_000);
});
after(async () => { await wb?.close(); });

test('architecture diff', async (t) => {
  await scenario(t, () => wb, 'archdiff-01-codelens-after-one-layer-changed', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Graph' }).first().waitFor({ timeout: 90_000 });
    await goToLine(page, 8, 10); // on the 6 of `conv2d(6, 5, { padding: 2 })`
    await page.keyboard.press('Delete');
    await page.keyboard.type('8');
    await page.locator('.monaco-editor', { hasText: '→ 28×28×8' }).first().waitFor({ timeout: 30_000 });
    const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'Δ vs HEAD' }).first();
    await lens.waitFor({ timeout: 60_000 });
    assert.match(await lens.innerText(), /Δ vs HEAD: \+852 params · \+119,200 MACs · 4 layers differ/);
  });

  await scenario(t, () => wb, 'archdiff-02-compare-with-head', async (page) => {
    await runCommand(page, 'CNN: Compare Architecture with HEAD');
    const view = await webviewFrame(page, 'svg.graph g.node.diff-changed[data-node-id="conv2d_1"]');
    const changed = await view.$$eval('g.node[data-diff]', (nodes) => nodes.map((n) => `${n.getAttribute('data-node-id')}:${n.getAttribute('data-diff')}`));
    assert.deepEqual(changed, ['conv2d_1:changed', 'sigmoid_1:changed', 'avgPool2d_1:changed', 'conv2d_2:changed']);
    assert.match(await view.locator('.diff-header').innerText(), /HEAD → lenet\.cnn\.ts[\s\S]*params 61,706 → 62,558 \(\+852\)/);
    await view.locator('g.node[data-node-id="conv2d_2"]').hover();
    await view.locator('#graph-tooltip', { hasText: '2,416 → 3,216 (+800)' }).waitFor();
  });
});
