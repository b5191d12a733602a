import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EvaluateResult } from '../../../src/cli/evaluate';
import type { RunRecord, TrainResult } from '../../../src/runs/types';
import { readSafetensors } from '../../../src/weights/safetensors';
import { EXAMPLES_DIR, REPO_ROOT } from '../../support/paths';
import { torchPython } from '../../support/torch';
import { runCli, type CliResult } from '../../support/cli';

// `cnn-explorer export --format pytorch --with-training` and `runs import`, as a user with a
// cluster runs them (the bundles in dist/): the job trains a small CNN with `python train.py` (and
// under torchrun) where only PyTorch is, its run is imported, and it is the run the torch engine
// trains from the same model, seed and data: the same predictions and the same weights.

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-export-job-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const runsDir = path.join(work, 'runs');
const MODEL = path.join(EXAMPLES_DIR, 'mlp-vs-cnn.cnn.ts');
// Enough steps, at a rate high enough, that the model learns something: equal predictions mean something.
const TRAINING = ['--model', 'cnn', '--set', 'epochs=1', '--set', 'batchSize=16', '--set', 'optimizer.lr=0.05', '--limit-train', '1000', '--limit-test', '200'];

const cli = (args: string[]) => runCli(args, { cwd: work, built: true });

function python(pythonPath: string, args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    // No PYTHONPATH of ours: the job finds its trainer in its own folder.
    const env = { ...process.env };
    delete env.PYTHONPATH;
    const child = spawn(pythonPath, args, { cwd, env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function exportJob(dir: string): Promise<void> {
  const r = await cli(['export', MODEL, '--format', 'pytorch', '--with-training', ...TRAINING, '-o', dir]);
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['train.py', 'model.py', 'data.safetensors', 'job.json', 'README.md', 'cnn_explorer_torch/trainer.py', 'cnn_explorer_torch/job.py']) {
    assert.ok(fs.existsSync(path.join(dir, f)), `${f} is in the job`);
  }
}

async function importJob(dir: string): Promise<string> {
  const r = await cli(['runs', 'import', dir, '--runs-dir', runsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const imported = JSON.parse(r.stdout) as { id: string; copied: boolean; status: string }[];
  assert.equal(imported.length, 1);
  assert.deepEqual([imported[0]!.copied, imported[0]!.status], [true, 'completed']);
  return imported[0]!.id;
}

function readRecord(id: string): RunRecord {
  return JSON.parse(fs.readFileSync(path.join(runsDir, id, 'run.json'), 'utf8')) as RunRecord;
}

function assertSameWeights(a: string, b: string, tolerance: number): void {
  const wa = readSafetensors(path.join(runsDir, a, 'checkpoints', 'best', 'weights.safetensors')).tensors;
  const wb = readSafetensors(path.join(runsDir, b, 'checkpoints', 'best', 'weights.safetensors')).tensors;
  assert.deepEqual([...wa.keys()].sort(), [...wb.keys()].sort());
  for (const [key, t] of wa) {
    const u = wb.get(key)!;
    assert.deepEqual(t.shape, u.shape, key);
    let worst = 0;
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(Number(t.data[i]) - Number(u.data[i])));
    assert.ok(worst <= tolerance, `${key}: weights differ by ${worst}`);
  }
}

function assertSameRun(job: RunRecord, engine: RunRecord): void {
  assert.equal(job.status, 'completed');
  assert.deepEqual(job.config, engine.config);
  assert.deepEqual(job.dataset, engine.dataset);
  assert.equal(job.bestEpoch, engine.bestEpoch);
  assert.ok(job.best!.test.accuracy > 0.5, `the model learned (test accuracy ${job.best!.test.accuracy})`);
  assert.equal(job.best!.test.accuracy, engine.best!.test.accuracy);
  assert.deepEqual(job.best!.perClassAccuracy, engine.best!.perClassAccuracy);
  assert.deepEqual(job.best!.confusionMatrix, engine.best!.confusionMatrix);
}

let engineRunId: string | null = null;

/** The torch engine's run of the same model, seed and data, trained once for both comparisons. */
async function engineRun(pythonPath: string): Promise<string> {
  if (engineRunId) return engineRunId;
  const r = await cli(['train', MODEL, '--backend', 'torch', '--python', pythonPath, ...TRAINING, '--runs-dir', runsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  engineRunId = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TrainResult).runId;
  return engineRunId;
}

test('a training job trains with python train.py, and its imported run is the torch engine\'s run', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const dir = path.join(work, 'job');
  await exportJob(dir);
  assert.match(fs.readFileSync(path.join(dir, 'train.py'), 'utf8'), /^TRAINING = \{\n {4}"dataset": "mnist",\n {4}"epochs": 1,$/m);

  const trained = await python(torch.python, ['train.py'], dir);
  assert.equal(trained.code, 0, trained.stderr);
  const lines = trained.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; result?: TrainResult });
  assert.deepEqual([lines[0]!.type, lines.at(-1)!.type], ['hello', 'done'], 'stdout holds the protocol, hello to done');
  assert.equal(lines.at(-1)!.result!.status, 'completed');
  const [folder] = fs.readdirSync(path.join(dir, 'runs'));
  for (const f of ['run.json', 'metrics.jsonl', 'spec.json', 'model.py', 'checkpoints/best/weights.safetensors', 'checkpoints/last/weights.safetensors']) {
    assert.ok(fs.existsSync(path.join(dir, 'runs', folder!, f)), `the run folder has ${f}`);
  }

  const id = await importJob(dir);
  assert.equal(id, folder, 'the run keeps its id');
  const record = readRecord(id);
  assert.equal(record.importedFrom, path.join(dir, 'runs', folder!));
  assert.equal(record.backend!.name, 'torch');
  const again = await cli(['runs', 'import', dir, '--runs-dir', runsDir]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /was imported before/);

  const show = await cli(['runs', 'show', id, '--runs-dir', runsDir]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /status\s+completed/);
  assert.match(show.stdout, /backend\s+torch: exported training job/);

  const engine = await engineRun(torch.python);
  assertSameRun(record, readRecord(engine));
  assertSameWeights(id, engine, 1e-5);
  const compared = await cli(['runs', 'compare', id, engine, '--runs-dir', runsDir, '--json']);
  assert.equal(compared.code, 0, compared.stderr);

  const evaluated = await cli(['evaluate', id, '--backend', 'torch', '--python', torch.python, '--runs-dir', runsDir, '--json']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const ev = JSON.parse(evaluated.stdout.trim().split('\n').at(-1)!) as EvaluateResult;
  assert.equal(ev.testAccuracy, record.best!.test.accuracy);
  assert.deepEqual(ev.confusionMatrix, record.best!.confusionMatrix);
});

test('the same job under torchrun on 2 processes imports a DDP run that matches the engine\'s', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const engineFiles = ['__main__.py', 'trainer.py'].map((f) => path.join(REPO_ROOT, 'python', 'cnn_explorer_torch', f));
  if (!engineFiles.some((f) => /from \.distributed import|from \. import distributed/.test(fs.readFileSync(f, 'utf8')))) {
    t.skip('the torch engine is not DDP-aware yet (python/cnn_explorer_torch/distributed.py)');
    return;
  }
  const dir = path.join(work, 'job-ddp');
  await exportJob(dir);
  const trained = await python(torch.python, ['-m', 'torch.distributed.run', '--nproc_per_node', '2', '--redirects', '2', '--tee', '2', 'train.py'], dir);
  assert.equal(trained.code, 0, trained.stderr);
  const id = await importJob(dir);
  const record = readRecord(id);
  assert.equal(record.distributed?.worldSize, 2);
  const engine = await engineRun(torch.python);
  assertSameRun(record, readRecord(engine));
  assertSameWeights(id, engine, 1e-5);
});

test('a job refuses a TRAINING that asks for other data than it holds, in one line', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const dir = path.join(work, 'job-edited');
  await exportJob(dir);
  const file = path.join(dir, 'train.py');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"dataset": "mnist"', '"dataset": "fashion-mnist"'));
  const r = await python(torch.python, ['train.py'], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), "train.py: TRAINING['dataset'] is 'fashion-mnist', but data.safetensors was prepared with 'mnist': export the job again to change it");
  assert.ok(!fs.existsSync(path.join(dir, 'runs')), 'no run folder');
});

test('runs import of a folder that holds no readable run: one line, exit 1, nothing imported', async () => {
  const bad = path.join(work, 'bad');
  fs.mkdirSync(path.join(bad, 'runs', 'r1'), { recursive: true });
  fs.writeFileSync(path.join(bad, 'runs', 'r1', 'metrics.jsonl'), '');
  const into = path.join(work, 'bad-into');
  const missing = await cli(['runs', 'import', bad, '--runs-dir', into]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), `cnn-explorer: cannot import ${path.join(bad, 'runs', 'r1', 'run.json')}: missing (not a run folder, or the run never started)`);

  fs.writeFileSync(path.join(bad, 'runs', 'r1', 'run.json'), '{"id": "r1", ');
  const corrupt = await cli(['runs', 'import', bad, '--runs-dir', into]);
  assert.equal(corrupt.code, 1);
  assert.match(corrupt.stderr.trim(), /^cnn-explorer: cannot import \S+run\.json: not valid JSON \([^\n]*\)$/);

  const nothing = await cli(['runs', 'import', path.join(work, 'no-such-folder'), '--runs-dir', into]);
  assert.equal(nothing.code, 1);
  assert.equal(nothing.stderr.trim(), `cnn-explorer: cannot import ${path.join(work, 'no-such-folder')}: no such folder`);
  assert.ok(!fs.existsSync(into) || fs.readdirSync(into).length === 0, 'nothing imported');
});
