import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { prepareRuns, startTrainer } from '../../../../src/engine/trainer/start';
import type { TrainerMessage } from '../../../../src/shared/trainerProtocol';
import { cifar10Archive } from '../../../support/cifarArchive';
import { sha256, startFileServer, writeManifest } from '../../../support/downloadServer';

// Stop while the trainer downloads its dataset (the editor's Cancel, the CLI's Ctrl-C): the
// download is cancelled, the run ends `stopped`, the .part stays for the next run and nothing
// is under the final name.

test('a stop during a download: the run ends stopped, the .part stays, no final file', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-dlstop-'));
  const archive = await cifar10Archive(4, 2);
  // The server sends the first bytes, then holds the connection: the download is in progress until stopped.
  const server = await startFileServer({ '/c.tgz': { body: archive, behave: () => ({ kind: 'stall', bytes: 1000 }) } });
  const saved = process.env.CNN_EXPLORER_DOWNLOADS;
  t.after(async () => {
    if (saved === undefined) delete process.env.CNN_EXPLORER_DOWNLOADS; else process.env.CNN_EXPLORER_DOWNLOADS = saved;
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  process.env.CNN_EXPLORER_DOWNLOADS = writeManifest({
    'cifar-10-binary.tar.gz': { urls: [`${server.base}/c.tgz`], bytes: archive.length, sha256: sha256(archive) },
  });
  const modelFile = path.join(dir, 'tiny.cnn.ts');
  fs.writeFileSync(modelFile, `import { model, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [32, 32, 3], [flatten(), dense(10)]);
export const training: Training = { dataset: 'cifar10', epochs: 1 };
`);
  const cacheDir = path.join(dir, 'cache');
  const [run] = await prepareRuns({ file: modelFile, runsDir: path.join(dir, 'runs'), backend: 'cpu', data: { cacheDir, online: true, proxy: { url: null, noProxy: ['127.0.0.1'] } } });
  const handle = startTrainer(run!);
  const seen: TrainerMessage[] = [];
  handle.onMessage((m) => {
    seen.push(m);
    if (m.type === 'download' && seen.filter((s) => s.type === 'download').length === 1) handle.stop();
  });
  const result = await handle.done;
  assert.equal(result.status, 'stopped');
  const download = seen.find((m) => m.type === 'download');
  assert.deepEqual(download && { file: download.file, total: download.total }, { file: 'cifar-10-binary.tar.gz', total: archive.length });
  assert.deepEqual(fs.readdirSync(cacheDir), ['cifar-10-binary.tar.gz.part']);
  // What arrived is kept (the first bytes may come in more than one piece, the stop after the first).
  const kept = fs.statSync(path.join(cacheDir, 'cifar-10-binary.tar.gz.part')).size;
  assert.ok(kept >= download!.received && kept <= 1000, `${kept} bytes kept`);
  assert.ok(!fs.readFileSync(path.join(run!.spec.runDir, 'metrics.jsonl'), 'utf8').includes('"download"'));
});
