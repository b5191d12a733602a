import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openWorkbench, runCommand, scenario, trainWithCli, webviewFrame, type Workbench } from './harness';

// A learning-rate sweep at a glance: four real runs of the small CNN on an MNIST subset, trained
// with the CLI's --sweep into the workspace's runs folder, then CNN: Show Runs as a Sweep. The
// parallel-coordinates chart has one line per run and the learning rate's axis one tick per rate.

const RATES = [0.1, 0.03, 0.01, 0.003];

let wb: Workbench;
before(async () => {
  wb = await openWorkbench({ 'cnnExplorer.backend': 'wasm' });
});
after(async () => { await wb?.close(); });

test('a sweep of learning rates in the sweep view', async (t) => {
  await scenario(t, () => wb, '90-sweep-four-learning-rates', async (page) => {
    const runs = trainWithCli(wb, 'mlp-vs-cnn.cnn.ts', [
      '--model', 'cnn', '--sweep', `optimizer.lr=${JSON.stringify(RATES)}`,
      '--epochs', '1', '--limit-train', '1000', '--limit-test', '200', '--backend', 'wasm',
    ]);
    assert.deepEqual(runs.map((r) => r.status), ['completed', 'completed', 'completed', 'completed']);

    await runCommand(page, 'CNN: Show Runs as a Sweep');
    const view = await webviewFrame(page, 'svg.parallel path.line');
    await view.locator('svg.parallel path.line').nth(3).waitFor();
    assert.equal(await view.locator('svg.parallel path.line').count(), 4);
    assert.equal(await view.locator('tr.run').count(), 4);
    const ticks = await view.locator('g.axis[data-column="optimizer.lr"] .tick text').allTextContents();
    assert.deepEqual(ticks, ['0.003', '0.01', '0.03', '0.1']);
    // The learning rate is the one hyperparameter that varies: the title says so.
    assert.equal(await view.locator('h2').textContent(), 'Sweep: 4 runs · varying: optimizer.lr');
  });
});
