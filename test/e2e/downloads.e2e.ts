import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { cifar10Archive } from '../support/cifarArchive';
import { sha256, startFileServer, writeManifest, type FileServer } from '../support/downloadServer';
import { openFile, openWorkbench, pickRow, runCommand, scenario, showRunsView, type Workbench } from './harness';

// A dataset the machine does not have, met from Train Model: the trainer downloads it with a
// progress notification whose Cancel stops the run, and a later run resumes the download and
// trains. The publisher is a loopback server named by CNN_EXPLORER_DOWNLOADS (docs/downloads.md),
// the cache an empty folder (XDG_CACHE_HOME): the editor's environment, as a user's would be set.

const MODEL = `import { model, conv2d, relu, maxPool2d, flatten, dense, type Training } from 'cnn-explorer';

export default model('Tiny CIFAR', [32, 32, 3], [conv2d(4, 3), relu(), maxPool2d(4), flatten(), dense(10)]);

export const training: Training = { dataset: 'cifar10', epochs: 1, batchSize: 16, optimizer: { type: 'adam', lr: 1e-3 } };
`;

let wb: Workbench;
let server: FileServer;
let cache: string;

before(async () => {
  const archive = await cifar10Archive(200, 100);
  // The first request stalls part-way, so that the notification is there to be seen and
  // cancelled; the next ones answer (a Range request resumes what the first one wrote).
  server = await startFileServer({
    '/cifar-10-binary.tar.gz': { body: archive, behave: (n) => (n === 0 ? { kind: 'stall', bytes: 4096 } : { kind: 'ok' }) },
  });
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-e2e-cache-'));
  const manifest = writeManifest({
    'cifar-10-binary.tar.gz': { urls: [`${server.base}/cifar-10-binary.tar.gz`], bytes: archive.length, sha256: sha256(archive) },
  });
  wb = await openWorkbench({ 'cnnExplorer.backend': 'wasm' }, { CNN_EXPLORER_DOWNLOADS: manifest, XDG_CACHE_HOME: cache });
  fs.writeFileSync(path.join(wb.workspace, 'tiny-cifar.cnn.ts'), MODEL);
});
after(async () => {
  await wb?.close();
  await server?.close();
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
});

test('datasets downloaded from the editor', async (t) => {
  await scenario(t, () => wb, '50-download-progress-and-cancel', async (page) => {
    await openFile(page, 'tiny-cifar.cnn.ts');
    await runCommand(page, 'CNN: Train Model');
    await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
    await pickRow(page, 'Train');
    const toast = page.locator('.notification-toast', { hasText: 'Downloading cifar-10-binary.tar.gz' }).first();
    await toast.waitFor({ timeout: 120_000 });
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const view = await showRunsView(page);
    await view.locator('.run-row.status-stopped', { hasText: 'Tiny CIFAR' }).first().waitFor({ timeout: 60_000 });
    const folder = path.join(cache, 'cnn-explorer', 'cifar10');
    assert.ok(!fs.existsSync(path.join(folder, 'data_batch_1.bin')), 'nothing partial looks complete');
  });

  await scenario(t, () => wb, '51-download-resumed-then-trained', async (page) => {
    await openFile(page, 'tiny-cifar.cnn.ts');
    await runCommand(page, 'CNN: Train Model');
    await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
    await pickRow(page, 'Train');
    const view = await showRunsView(page);
    await view.locator('.run-row.status-completed', { hasText: 'Tiny CIFAR' }).first().waitFor({ timeout: 180_000 });
    assert.ok(fs.existsSync(path.join(cache, 'cnn-explorer', 'cifar10', 'data_batch_5.bin')));
    const last = server.requests.at(-1)!;
    assert.match(last.range ?? '', /^bytes=\d+-$/, 'the second run resumed the first one\'s download');
  });
});
