import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { analyzeModel } from '../../../src/analysis/index';
import { stateTensors } from '../../../src/interop/parameters';
import { loadModelFile, selectModel } from '../../../src/loader/index';
import { readWeightsFile } from '../../../src/weights/files';
import { matchStateDict } from '../../../src/weights/stateDict';
import { runCli } from '../../support/cli';
import { EXAMPLES_DIR } from '../../support/paths';
import { torchPython } from '../../support/torch';

// The fine-tuning example (seed 002) end to end on the torch engine: `initFrom:
// 'torchvision:resnet18'` fetched through the pinned fetcher from a loopback server (a
// CNN_EXPLORER_DOWNLOADS manifest pins this test's own file: torchvision's resnet18 with random
// weights, standing in for ImageNet's), a few dozen CIFAR-10 records in the real binary format,
// and the example's freeze schedule: for 5 epochs only the head learns, then everything does.

const EXAMPLE = path.join(EXAMPLES_DIR, 'finetune-resnet18.cnn.ts');
const PUBLISHED = 'resnet18-f37072fd.pth';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-finetune-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

/** CIFAR-10 binary records: a label byte, then 1024 red, 1024 green, 1024 blue bytes. */
function cifarBatch(records: number, seed: number): Buffer {
  const buf = Buffer.alloc(records * 3073);
  for (let r = 0; r < records; r++) {
    buf[r * 3073] = (r + seed) % 10;
    for (let p = 0; p < 3072; p++) buf[r * 3073 + 1 + p] = (p * 7 + r * 31 + seed * 13) % 256;
  }
  return buf;
}

function writeCifar(dataDir: string): void {
  const dir = path.join(dataDir, 'cifar10');
  fs.mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) fs.writeFileSync(path.join(dir, `data_batch_${b}.bin`), cifarBatch(8, b));
  fs.writeFileSync(path.join(dir, 'test_batch.bin'), cifarBatch(10, 9));
}

/** Serves `file` at /models/<published name>; counts the requests. */
async function serve(file: string): Promise<{ url: string; requests: () => number; close: () => void }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    if (req.url !== `/models/${PUBLISHED}`) { res.writeHead(404).end(); return; }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/models/${PUBLISHED}`, requests: () => count, close: () => server.close() };
}

type Values = { data: ArrayLike<number> };
const equal = (a: Values, b: Values) => a.data.length === b.data.length && Array.from(a.data).every((v, i) => v === b.data[i]);

const COPIED = /^initFrom torchvision:resnet18: copied 100 weights, kept 2 as initialised \(fc\.weight: shape \[1000,512\] there \(fc\.weight\), \[10,512\] here; fc\.bias: shape \[1000\] there \(fc\.bias\), \[10\] here\)$/m;

interface Setup { pth: string; dataDir: string; runsDir: string; env: NodeJS.ProcessEnv; cache: string; requests: () => number }

/** torchvision's resnet18 (random weights) saved by Debian's PyTorch, served and pinned; CIFAR-10 records; a cache of its own. */
async function setUp(t: TestContext, python: string, name: string): Promise<Setup> {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const pth = path.join(dir, 'resnet18-random.pth');
  execFileSync(python, ['-c', `import torch, torchvision; torch.manual_seed(0); torch.save(torchvision.models.resnet18().state_dict(), ${JSON.stringify(pth)})`]);
  const server = await serve(pth);
  t.after(() => server.close());
  const bytes = fs.readFileSync(pth);
  const manifest = path.join(dir, 'downloads.json');
  fs.writeFileSync(manifest, JSON.stringify({
    files: { [PUBLISHED]: { urls: [server.url], bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } },
  }));
  const dataDir = path.join(dir, 'data');
  writeCifar(dataDir);
  const cache = path.join(dir, 'cache');
  const env = { ...process.env, CNN_EXPLORER_DOWNLOADS: manifest, XDG_CACHE_HOME: cache, OMP_WAIT_POLICY: 'PASSIVE' };
  return { pth, dataDir, runsDir: path.join(dir, 'runs'), env, cache, requests: server.requests };
}

/** The model's keys, matched to the state_dict's as initFrom matches them (by position here). */
async function expected(pth: string) {
  const { model } = selectModel(await loadModelFile(EXAMPLE));
  const targets = stateTensors(model, analyzeModel(model));
  const match = matchStateDict(targets, readWeightsFile(pth), { partial: true });
  return { targets, pairs: match.pairs, parameters: targets.filter((x) => x.trainable && !x.key.startsWith('fc.')) };
}

test('fine-tuning ResNet-18 from torchvision on torch: fetched once, head learns while frozen, all after epoch 5', { timeout: 600_000 }, async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const { pth, dataDir, runsDir, env, cache, requests } = await setUp(t, torch.python, 'torch');
  const train = async (epochs: number) => {
    const r = await runCli(['train', EXAMPLE, '--backend', 'torch', '--python', torch.python, '--data-dir', dataDir,
      '--runs-dir', runsDir, '--set', `epochs=${epochs}`, '--json'], { cwd: root, env, built: true });
    assert.equal(r.code, 0, r.stderr);
    const { runId } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runId: string };
    const weights = readWeightsFile(path.join(runsDir, runId, 'checkpoints', 'last', 'weights.safetensors'));
    const epochsRead = fs.readFileSync(path.join(runsDir, runId, 'metrics.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { type: string; lr?: number; frozen?: string[] }).filter((m) => m.type === 'epoch');
    return { stderr: r.stderr, weights, epochs: epochsRead };
  };

  const one = await train(1);
  // The run's log says what was copied and what kept its initialisation: the new head.
  assert.match(one.stderr, COPIED);
  assert.ok(fs.existsSync(path.join(cache, 'cnn-explorer', 'torchvision', PUBLISHED)), 'kept in <cache>/torchvision/');
  const five = await train(5);
  const six = await train(6);
  assert.equal(requests(), 1, 'fetched once; later runs find it in the cache');

  const { targets, pairs, parameters } = await expected(pth);
  assert.equal(parameters.length, 60);
  for (const p of parameters) {
    assert.ok(equal(pairs.get(p.key)!, five.weights.get(p.key)!), `${p.key} is frozen through epoch 5`);
  }
  // BatchNorm's running statistics are buffers, not parameters: they follow the batches while frozen.
  const stats = targets.find((x) => x.role === 'running_mean')!;
  assert.ok(!equal(pairs.get(stats.key)!, five.weights.get(stats.key)!), `${stats.key} follows the batches`);
  // The head learns while the rest is frozen: after 5 epochs it is not what it was after 1.
  assert.ok(!equal(one.weights.get('fc.weight')!, five.weights.get('fc.weight')!), 'the head learns');
  assert.deepEqual(five.epochs.map((e) => e.frozen!.length), [40, 40, 40, 40, 40], 'every layer but the head frozen');

  // Epoch 6: unfrozen, at lr 1e-4, and the backbone moves.
  assert.deepEqual(six.epochs.map((e) => e.frozen!.length), [40, 40, 40, 40, 40, 0]);
  assert.equal(six.epochs[5]!.lr, 1e-4);
  const moved = parameters.filter((p) => !equal(pairs.get(p.key)!, six.weights.get(p.key)!));
  assert.ok(moved.length > parameters.length / 2, `${moved.length} of ${parameters.length} backbone tensors changed in epoch 6`);
});

test('the same example on tfjs (wasm): fetched through the same pin, the same log line, frozen weights kept', { timeout: 300_000 }, async (t) => {
  const torch = await torchPython(t); // only to write torchvision's file
  if (!torch) return;
  const { pth, dataDir, runsDir, env, cache, requests } = await setUp(t, torch.python, 'tfjs');
  const r = await runCli(['train', EXAMPLE, '--backend', 'wasm', '--data-dir', dataDir, '--runs-dir', runsDir, '--set', 'epochs=1', '--json'],
    { cwd: root, env, built: true });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, COPIED);
  assert.equal(requests(), 1);
  assert.ok(fs.existsSync(path.join(cache, 'cnn-explorer', 'torchvision', PUBLISHED)));
  const { runId } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runId: string };
  const weights = readWeightsFile(path.join(runsDir, runId, 'checkpoints', 'last', 'weights.safetensors'));
  const { targets, pairs, parameters } = await expected(pth);
  for (const p of parameters) assert.ok(equal(pairs.get(p.key)!, weights.get(p.key)!), `${p.key} is frozen in epoch 1`);
  const stats = targets.find((x) => x.role === 'running_mean')!;
  assert.ok(!equal(pairs.get(stats.key)!, weights.get(stats.key)!), `${stats.key} follows the batches, as on torch`);
});

test('an unknown torchvision name: one line listing the known ones, at initFrom in the model file', async () => {
  const file = path.join(root, 'unknown.cnn.ts');
  fs.writeFileSync(file, fs.readFileSync(EXAMPLE, 'utf8').replace("'torchvision:resnet18'", "'torchvision:resnet99'"));
  const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('torchvision:resnet99')) + 1;
  const r = await runCli(['train', file, '--backend', 'wasm', '--runs-dir', path.join(root, 'unknown-runs')], { cwd: root });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').at(-1), `unknown.cnn.ts:${line}:13: initFrom: no torchvision weights 'resnet99'; known: torchvision:alexnet, `
    + 'torchvision:vgg11, torchvision:vgg16, torchvision:googlenet, torchvision:resnet18, torchvision:resnet34, torchvision:resnet50, '
    + 'torchvision:resnet152, torchvision:mobilenet_v2');
  assert.ok(!fs.existsSync(path.join(root, 'unknown-runs')) || fs.readdirSync(path.join(root, 'unknown-runs')).length === 0, 'no run was created');
});
