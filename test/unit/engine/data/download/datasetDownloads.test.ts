import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DatasetError, loadDataset } from '../../../../../src/engine/data/index';
import { cifar10Archive, cifarPixel, cifarRecords, tarGz } from '../../../../support/cifarArchive';
import { sha256, startFileServer, writeManifest } from '../../../../support/downloadServer';

// The dataset loaders' downloads: an archive served by a loopback server under an override
// manifest, checked, extracted into the cache, loaded; and CIFAR-100's format.

for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete process.env[name];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-dsdl-'));
let n = 0;
const freshDir = () => { const d = path.join(root, `d${++n}`); fs.mkdirSync(d); return d; };

const fineNames = Array.from({ length: 100 }, (_, i) => `class_${i}`);

test('CIFAR-100: fine labels, names from fine_label_names.txt, in its folder or cifar-100-binary/', async () => {
  const dataDir = freshDir();
  const folder = path.join(dataDir, 'cifar100', 'cifar-100-binary');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'train.bin'), cifarRecords([[1, 42], [19, 99], [0, 0]]));
  fs.writeFileSync(path.join(folder, 'test.bin'), cifarRecords([[3, 7]]));
  fs.writeFileSync(path.join(folder, 'fine_label_names.txt'), `${fineNames.join('\n')}\n`);
  const ds = await loadDataset('cifar100', { dataDir });
  assert.equal(ds.id, 'cifar100');
  assert.deepEqual(ds.classNames, fineNames);
  assert.deepEqual([...ds.train.labels], [42, 99, 0]);
  assert.deepEqual([...ds.test.labels], [7]);
  assert.deepEqual(ds.imageShape, [32, 32, 3]);
  // Record 1, green plane, pixel 5 → NHWC position (5, channel 1).
  assert.equal(ds.train.images[3072 + 5 * 3 + 1], Math.fround(cifarPixel(1, 1, 5) / 255));
  fs.writeFileSync(path.join(folder, 'test.bin'), cifarRecords([[3, 100]]));
  await assert.rejects(loadDataset('cifar100', { dataDir }), { message: `${path.join(folder, 'test.bin')}: label 100 in record 0 is outside 0…99` });
});

test('CIFAR-10 downloaded when online: checked, extracted into the cache, the archive deleted; then no request', async (t) => {
  const archive = await cifar10Archive(4, 3);
  const server = await startFileServer({ '/cifar-10-binary.tar.gz': { body: archive } });
  t.after(() => { delete process.env.CNN_EXPLORER_DOWNLOADS; return server.close(); });
  process.env.CNN_EXPLORER_DOWNLOADS = writeManifest({
    'cifar-10-binary.tar.gz': { urls: [`${server.base}/cifar-10-binary.tar.gz`], bytes: archive.length, sha256: sha256(archive) },
  });
  const cacheDir = freshDir();
  const seen: number[] = [];
  const ds = await loadDataset('cifar10', { cacheDir, online: true, onDownload: (p) => seen.push(p.received) });
  assert.equal(ds.train.count, 20);
  assert.equal(ds.test.count, 3);
  assert.equal(ds.source, path.join(cacheDir, 'cifar10'));
  assert.equal(seen.at(-1), archive.length);
  assert.deepEqual(fs.readdirSync(cacheDir), ['cifar10']);
  assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'cifar10')).sort(),
    ['batches.meta.txt', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']);
  await loadDataset('cifar10', { cacheDir, online: true });
  assert.equal(server.requests.length, 1);
});

test('a CIFAR-100 archive with the wrong hash: dataset-corrupt, nothing in the cache', async (t) => {
  const archive = await tarGz('cifar-100-binary', { 'train.bin': cifarRecords([[0, 1]]), 'test.bin': cifarRecords([[0, 2]]), 'fine_label_names.txt': fineNames.join('\n'), 'coarse_label_names.txt': 'a\n' });
  const server = await startFileServer({ '/c100.tgz': { body: archive } });
  t.after(() => { delete process.env.CNN_EXPLORER_DOWNLOADS; return server.close(); });
  process.env.CNN_EXPLORER_DOWNLOADS = writeManifest({
    'cifar-100-binary.tar.gz': { urls: [`${server.base}/c100.tgz`], bytes: archive.length, sha256: 'ab'.repeat(32) },
  });
  const cacheDir = freshDir();
  const err = await loadDataset('cifar100', { cacheDir, online: true }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DatasetError);
  assert.equal(err.kind, 'corrupt');
  assert.ok(err.message.startsWith(`${server.base}/c100.tgz: downloaded file is not the published one: SHA-256 ${sha256(archive)}, expected ${'ab'.repeat(32)}`));
  assert.deepEqual(fs.readdirSync(cacheDir), []);
  // With the right pin it downloads and loads.
  process.env.CNN_EXPLORER_DOWNLOADS = writeManifest({
    'cifar-100-binary.tar.gz': { urls: [`${server.base}/c100.tgz`], bytes: archive.length, sha256: sha256(archive) },
  });
  const ds = await loadDataset('cifar100', { cacheDir, online: true });
  assert.deepEqual([...ds.train.labels, ...ds.test.labels], [1, 2]);
});

test('offline, a dataset that is nowhere names the URL and where to put the files', async () => {
  const cacheDir = freshDir();
  const err = await loadDataset('cifar100', { cacheDir }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DatasetError);
  assert.equal(err.kind, 'missing');
  assert.equal(err.message, `${path.join(cacheDir, 'cifar100')}: not found, and downloading is off: download https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz, extract it, `
    + `put train.bin, test.bin and fine_label_names.txt in this folder or its cifar-100-binary/, or in cifar100/ inside a data folder (--data-dir DIR); or allow downloading (it goes to ${path.join(cacheDir, 'cifar100')})`);
});
