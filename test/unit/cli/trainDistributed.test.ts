import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunSpec } from '../../../src/engine/trainer/spec';
import type { RunRecord, TrainResult } from '../../../src/runs/types';
import { REPO_ROOT } from '../../support/paths';
import { torchPython } from '../../support/torch';
import { runCli, type CliResult } from '../../support/cli';

// `cnn-explorer train --nproc-per-node 2` end to end (docs/distributed.md), as users run it: the
// bundles in dist/, torchrun from the Python that has PyTorch, two CPU ranks over gloo, a small
// model on a few hundred MNIST images. Then the ways a DDP run ends other than completing: a
// rank killed, SIGTERM to run.json's pid; and the flags it refuses.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-ddp-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const modelFile = path.join(dir, 'tiny.cnn.ts');
fs.writeFileSync(modelFile, `import { model, conv2d, maxPool2d, relu, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [conv2d(4, 5, { stride: 2 }), relu(), maxPool2d(2), flatten(), dense(10)]);
export const training: Training = { dataset: 'mnist', epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 0.01 } };
`);
const LIMITS = ['--limit-train', '300', '--limit-test', '100'];

function cliArgs(python: string, runsDir: string, extra: string[]): string[] {
  return ['train', modelFile, '--backend', 'torch', '--python', python, '--nproc-per-node', '2', ...LIMITS, '--runs-dir', runsDir, ...extra];
}

/** The CLI as a process of its own, for tests that signal the run while it trains. */
function startCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd: dir });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function readJson<T>(file: string): T | null {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')) as T; } catch { return null; }
}

/** The run folder's run.json once rank 0 has written the ranks (training has started), or null if the CLI ended first. */
async function ranksWritten(runsDir: string, ended: () => boolean): Promise<{ runDir: string; record: RunRecord } | null> {
  while (!ended()) {
    for (const id of fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []) {
      const record = readJson<RunRecord>(path.join(runsDir, id, 'run.json'));
      if (record?.distributed?.ranks.length === 2 && record.status === 'running') return { runDir: path.join(runsDir, id), record };
    }
    await sleep(100);
  }
  return null;
}

/** Processes whose command line names `text` (the run's spec path: torchrun, each rank, the launcher). */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline: string;
    try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmdline.includes(text)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
}

const lastResult = (r: CliResult) => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TrainResult;
const distBuilt = () => fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli.js')) && fs.existsSync(path.join(REPO_ROOT, 'dist', 'torchTrainer.js'));

test('train --nproc-per-node 2: two ranks train one run; run.json records them, --json says worldSize 2', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  assert.ok(distBuilt(), 'dist/ is built (node esbuild.mjs)');
  const runsDir = path.join(dir, 'completes');
  const r = await runCli(cliArgs(torch.python, runsDir, ['--json']), { cwd: dir, built: true });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^backend torch \(cpu ×2 on 1 node, DDP \(gloo\), 25 per rank, \d+ threads? each, torch [\d.a-z+]+\): requested$/m);
  const result = lastResult(r);
  assert.deepEqual([result.status, result.backend, result.worldSize, result.epochs], ['completed', 'torch', 2, 1]);
  assert.match(r.stdout, /"worldSize":2/);

  const spec = readJson<RunSpec>(path.join(result.runDir, 'spec.json'))!;
  const d = spec.torch!.distributed!;
  assert.deepEqual({ ...d, masterPort: 0 }, { nprocPerNode: 2, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: 0, syncBatchNorm: false });
  assert.ok(Number.isInteger(d.masterPort) && d.masterPort > 0);
  assert.equal(spec.torch!.threads, Math.max(1, Math.floor(os.cpus().length / 2)));

  const record = readJson<RunRecord>(path.join(result.runDir, 'run.json'))!;
  const { ranks, ...rest } = record.distributed!;
  assert.deepEqual(rest, { worldSize: 2, nnodes: 1, nprocPerNode: 2, backend: 'gloo', perRankBatch: 25, syncBatchNorm: false });
  assert.deepEqual(ranks.map((x) => [x.rank, x.device]), [[0, 'cpu'], [1, 'cpu']]);
  assert.equal(record.pid, ranks[0]!.pid, 'run.json\'s pid is rank 0\'s');
  assert.deepEqual(processesNaming(path.join(result.runDir, 'spec.json')), []);
});

test('a rank killed mid-run: the run fails naming the rank, its pid and the signal; no process is left', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  assert.ok(distBuilt(), 'dist/ is built (node esbuild.mjs)');
  const runsDir = path.join(dir, 'killed');
  let ended = false;
  const cli = startCli(cliArgs(torch.python, runsDir, ['--epochs', '1000', '--json'])).finally(() => { ended = true; });
  const running = await ranksWritten(runsDir, () => ended);
  if (!running) assert.fail(`the run ended before training on two ranks: ${(await cli).stderr}`);
  const pid = running.record.distributed!.ranks.find((x) => x.rank === 1)!.pid;
  process.kill(pid, 'SIGKILL');
  const r = await cli;
  const line = `rank 1 of 2 (pid ${pid}) died: Signal 9 (SIGKILL)`;
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').at(-1), line, 'the CLI\'s one line');
  const result = lastResult(r);
  assert.deepEqual([result.status, result.error, result.errorCode], ['failed', line, 'internal']);
  const record = readJson<RunRecord>(path.join(running.runDir, 'run.json'))!;
  assert.deepEqual([record.status, record.error], ['failed', line]);
  const messages = fs.readFileSync(path.join(running.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
  assert.equal(messages.filter((m) => m === 'hello').length, 1, 'one hello: rank 0\'s');
  assert.deepEqual(messages.slice(-2), ['error', 'done']);
  assert.deepEqual(processesNaming(path.join(running.runDir, 'spec.json')), []);
});

test('SIGTERM to run.json\'s pid stops every rank: the run ends stopped, checkpoints/last saved, no process left', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  assert.ok(distBuilt(), 'dist/ is built (node esbuild.mjs)');
  const runsDir = path.join(dir, 'stopped');
  let ended = false;
  const cli = startCli(cliArgs(torch.python, runsDir, ['--epochs', '1000', '--json'])).finally(() => { ended = true; });
  const running = await ranksWritten(runsDir, () => ended);
  if (!running) assert.fail(`the run ended before training on two ranks: ${(await cli).stderr}`);
  process.kill(running.record.pid!, 'SIGTERM');
  const r = await cli;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(lastResult(r).status, 'stopped');
  assert.equal(readJson<RunRecord>(path.join(running.runDir, 'run.json'))!.status, 'stopped');
  assert.ok(fs.existsSync(path.join(running.runDir, 'checkpoints', 'last', 'weights.safetensors')));
  assert.deepEqual(processesNaming(path.join(running.runDir, 'spec.json')), []);
});

test('DDP flags the CLI refuses: one line and the usage, no run', async () => {
  const runsDir = path.join(dir, 'refused');
  const refused = async (extra: string[], line: RegExp) => {
    const r = await runCli(['train', modelFile, ...LIMITS, '--runs-dir', runsDir, ...extra], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, line);
    assert.match(lines[1]!, /^usage: cnn-explorer train FILE /);
    assert.equal(lines.length, 2);
  };
  await refused(['--backend', 'wasm', '--nproc-per-node', '2'], /^cnn-explorer: --nproc-per-node needs the torch engine \(--backend torch\), not --backend wasm$/);
  await refused(['--backend', 'torch', '--nproc-per-node', '2', '--nnodes', '2'], /^cnn-explorer: --nnodes 2 needs --master-addr: node 0's address/);
  await refused(['--backend', 'torch', '--nproc-per-node', '2', '--nnodes', '2', '--master-addr', '10.0.0.1', '--node-rank', '2'],
    /^cnn-explorer: --node-rank 2 is out of range: with --nnodes 2 it is 0 … 1$/);
  await refused(['--backend', 'torch', '--nproc-per-node', '0'], /^cnn-explorer: --nproc-per-node must be a positive integer, got '0'$/);
  await refused(['--backend', 'torch', '--nnodes', '2'], /^cnn-explorer: --nnodes needs --nproc-per-node/);
  assert.ok(!fs.existsSync(runsDir) || fs.readdirSync(runsDir).length === 0, 'no run folder');
});

test('--backend auto that finds no PyTorch: --nproc-per-node is refused in one line saying why, no run', async () => {
  const runsDir = path.join(dir, 'auto');
  const r = await runCli(['train', modelFile, ...LIMITS, '--runs-dir', runsDir, '--nproc-per-node', '2', '--python', path.join(dir, 'no-such-python')], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr.trim(), /^training on several processes \(--nproc-per-node\) needs the torch engine: auto chose tfjs \(torch: no Python with PyTorch \(.*no-such-python.*\)\)$/);
  assert.ok(!fs.existsSync(runsDir) || fs.readdirSync(runsDir).length === 0, 'no run folder');
});
