import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { runCli } from '../../support/cli';
import { torchPython } from '../../support/torch';
import { cifar10Archive } from '../../support/cifarArchive';
import { sha256, startFileServer, writeManifest } from '../../support/downloadServer';

// `cnn-explorer train` of a CIFAR-10 model on a machine without CIFAR-10, as users run it (the
// bundles in dist/): the trainer downloads the archive (here from a loopback server named by a
// CNN_EXPLORER_DOWNLOADS manifest) into an empty cache, the progress shows on stderr, the run
// trains; a second run finds the cache and makes no request. --offline fails with the hint.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-download-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const MODEL = `import { model, conv2d, relu, maxPool2d, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [32, 32, 3], [conv2d(4, 3), relu(), maxPool2d(4), flatten(), dense(10)]);
export const training: Training = { dataset: 'cifar10', epochs: 1, batchSize: 16, optimizer: { type: 'adam', lr: 1e-3 } };
`;

/** A loopback server with a small CIFAR-10 archive, and the environment of a machine with an empty cache whose pins point there. */
async function setUp(t: TestContext, name: string) {
  const archive = await cifar10Archive(60, 40);
  const server = await startFileServer({ '/cifar-10-binary.tar.gz': { body: archive } });
  t.after(() => server.close());
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const modelFile = path.join(dir, 'tiny.cnn.ts');
  fs.writeFileSync(modelFile, MODEL);
  const cache = path.join(dir, 'cache');
  const env: NodeJS.ProcessEnv = {
    ...process.env, XDG_CACHE_HOME: cache,
    CNN_EXPLORER_DOWNLOADS: writeManifest({
      'cifar-10-binary.tar.gz': { urls: [`${server.base}/cifar-10-binary.tar.gz`], bytes: archive.length, sha256: sha256(archive) },
    }),
  };
  for (const proxy of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[proxy];
  return { server, env, cache, dir, args: ['train', modelFile, '--epochs', '1', '--runs-dir', path.join(dir, 'runs'), '--json'] };
}

test('train downloads CIFAR-10 into an empty cache once, with progress on stderr', async (t) => {
  const { server, env, cache, dir, args: common } = await setUp(t, 'wasm');
  const args = [...common, '--backend', 'wasm'];

  const offline = await runCli([...args, '--offline'], { cwd: root, env, built: true });
  assert.notEqual(offline.code, 0);
  assert.match(offline.stderr, /not found, and downloading is off: download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz, extract it/);
  assert.equal(server.requests.length, 0);

  const first = await runCli(args, { cwd: root, env, built: true });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /downloading cifar-10-binary\.tar\.gz \[#+\] 100%/);
  const result = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { status: string; runId: string };
  assert.equal(result.status, 'completed');
  assert.equal(server.requests.length, 1);
  assert.ok(fs.existsSync(path.join(cache, 'cnn-explorer', 'cifar10', 'data_batch_5.bin')));
  assert.ok(!fs.existsSync(path.join(cache, 'cnn-explorer', 'cifar-10-binary.tar.gz')), 'the archive is deleted once extracted');
  const metrics = fs.readFileSync(path.join(dir, 'runs', result.runId, 'metrics.jsonl'), 'utf8');
  assert.ok(!metrics.includes('"type":"download"'), 'progress is not recorded in metrics.jsonl');

  const second = await runCli(args, { cwd: root, env, built: true });
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stderr, /downloading/);
  assert.equal(server.requests.length, 1, 'the second run makes no request');
});

test('on the torch engine too: the launcher downloads before Python starts', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const { server, env, cache, dir, args } = await setUp(t, 'torch');
  const r = await runCli([...args, '--backend', 'torch', '--python', torch.python], { cwd: dir, env, built: true });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /downloading cifar-10-binary\.tar\.gz \[#+\] 100%/);
  assert.equal(server.requests.length, 1);
  assert.ok(fs.existsSync(path.join(cache, 'cnn-explorer', 'cifar10', 'test_batch.bin')));
});
