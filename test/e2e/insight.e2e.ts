import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openFile, openWorkbench, runCommand, scenario, showRunsView, trainWithCli, webviewFrame, type Workbench } from './harness';

// What the network sees, on a real run: LeNet-5 trained for one epoch on 3,000 MNIST digits
// (wasm, from the CLI in the workspace), then in the sidebar a confusion cell → its test images
// → one image's Grad-CAM, and in LeNet-5's graph the first convolution → its six feature maps,
// and the second's effective receptive field under its theoretical one.

let wb: Workbench;

before(async () => {
  wb = await openWorkbench();
  const [run] = trainWithCli(wb, 'lenet.cnn.ts', ['--epochs', '1', '--limit-train', '3000', '--limit-test', '300', '--backend', 'wasm']);
  assert.equal(run?.status, 'completed');
});
after(async () => { await wb?.close(); });

test('what the network sees', async (t) => {
  await scenario(t, () => wb, 'insight-01-confusion-cell-grad-cam', async (page) => {
    const view = await showRunsView(page);
    await view.locator('.run-row.status-completed').first().click();
    await view.locator('.confusion svg.heatmap').first().waitFor({ timeout: 60_000 });
    // The cell with the most images off the diagonal (the most common mistake), else the largest.
    const cells = (await view.$$eval('.confusion svg.heatmap [data-row][data-col]', (nodes) => nodes.map((c) => [
      c.getAttribute('data-row')!, c.getAttribute('data-col')!, c.getAttribute('data-value')!]))).map(([r, c, v]) => ({ r: r!, c: c!, v: Number(v) }));
    const largest = (xs: typeof cells) => xs.filter((x) => x.v > 0).sort((a, b) => b.v - a.v)[0];
    const { r: row, c: col } = largest(cells.filter((x) => x.r !== x.c)) ?? largest(cells)!;
    await view.locator(`.confusion svg.heatmap [data-row="${row}"][data-col="${col}"]`).first().click();
    await view.locator('.insight-cell h3', { hasText: `True ${row}, predicted ${col}` }).waitFor();
    const thumbs = view.locator('.insight-thumb');
    await thumbs.first().waitFor({ timeout: 120_000 });
    assert.match(await view.locator('.insight-cell').innerText(), /\d+ test images/);
    assert.match(await thumbs.first().innerText(), new RegExp(`p\\(${col}\\) \\d+%`));
    await thumbs.first().click();
    await view.locator('.insight-cam figure.grad-cam canvas').waitFor({ timeout: 60_000 });
    assert.match(await view.locator('.insight-cam').innerText(), /Grad-CAM at sigmoid_2[\s\S]*Probabilities: /);
    await view.locator('.insight-cam').scrollIntoViewIfNeeded();
  });

  await scenario(t, () => wb, 'insight-02-lenet-first-conv-feature-maps', async (page) => {
    await openFile(page, 'lenet.cnn.ts');
    await runCommand(page, 'CNN: Show Model Graph');
    const graph = await webviewFrame(page, 'svg.graph g.node[data-node-id="conv2d_1"]', 90_000);
    await graph.locator('g.node[data-node-id="conv2d_1"]').click();
    await graph.locator('.fm-panel h2', { hasText: 'Feature maps · conv2d_1' }).waitFor();
    await graph.locator('.fm-grid canvas').nth(5).waitFor({ timeout: 120_000 });
    assert.equal(await graph.locator('.fm-grid canvas').count(), 6, 'one map per filter of conv2d(6, 5)');
    assert.match(await graph.locator('.fm-caption').innerText(), /Test image #0: true \d, predicted \d \(6 maps of 28×28\)/);
  });

  await scenario(t, () => wb, 'insight-03-effective-receptive-field', async (page) => {
    const graph = await webviewFrame(page, 'svg.graph g.node[data-node-id="conv2d_2"]');
    await graph.locator('g.node[data-node-id="conv2d_2"]').click();
    await graph.locator('.fm-panel vscode-button', { hasText: 'Close' }).click();
    await graph.locator('vscode-button', { hasText: 'Receptive field' }).first().click();
    await graph.locator('.rf-drawing image.rf-erf').waitFor({ timeout: 120_000 });
    assert.match(await graph.locator('.rf-caption').innerText(), /Output \(4, 4\) of 10×10 sees 14×14 input pixels[\s\S]*Heat: the effective field of this unit in run \S+, \|∂output\/∂input\| averaged over 32 test images/);
  });
});
