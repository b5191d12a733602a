import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runRuns } from '../../../src/cli/runs';
import { readMetrics, readRun, runPaths } from '../../../src/runs/store';
import type { EpochRecord } from '../../../src/runs/types';
import { writeFixtureRun } from '../../support/runFixtures';
import { REPO_ROOT } from '../../support/paths';
import { smallDisk } from '../../support/smallDisk';

// `cnn-explorer runs list | show | compare` on runs folders a crash or a fault has damaged: the
// damaged run is listed and says why, the others as ever; real trainers killed outright and
// trainers on a full disk leave runs the commands still read, with every complete epoch.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-runs-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshDir = () => fs.mkdtempSync(path.join(tmp, `runs-${n++}-`));
const TEN = (v: number) => new Array<number>(10).fill(v);
const fixture = (dir: string, hour: number) =>
  writeFixtureRun(dir, { exportName: 'mlp', permutePixels: null, correct: [TEN(70), TEN(80)], at: new Date(2026, 0, 1, hour) });
const epochsOf = (dir: string) => readMetrics(dir).filter((m): m is EpochRecord => m.type === 'epoch').map((e) => e.epoch);

test('runs list: a run.json that is not JSON and a torn metrics line are listed as damaged, saying why', async () => {
  const dir = freshDir();
  const good = await fixture(dir, 10);
  const torn = await fixture(dir, 11);
  const broken = await fixture(dir, 12);
  fs.appendFileSync(runPaths(path.join(dir, torn)).metrics, '{"type":"iteration","ep');
  fs.writeFileSync(runPaths(path.join(dir, broken)).runJson, 'not json');
  const text = await runRuns(['list', '--runs-dir', dir]);
  const lines = text.split('\n');
  assert.match(lines[1]!, new RegExp(`^${broken}  damaged +—`));
  assert.match(lines[2]!, new RegExp(`^${torn}  completed .* 2/2`));
  assert.match(lines[3]!, new RegExp(`^${good}  completed`));
  assert.match(text, new RegExp(`\\n\\n${broken} is damaged: .*run\\.json: not valid JSON \\(.*\\)\\n${torn} is damaged: metrics\\.jsonl: its last line is incomplete \\(23 bytes, skipped\\)\\n$`));
  const json = JSON.parse(await runRuns(['list', '--runs-dir', dir, '--json'])) as { id: string; status: string | null; damaged: string | null }[];
  assert.deepEqual(json.map((r) => [r.status, r.damaged === null ? null : r.damaged.replace(/ \(.*/, '')]), [
    [null, `${runPaths(path.join(dir, broken)).runJson}: not valid JSON`],
    ['completed', 'metrics.jsonl: its last line is incomplete'],
    ['completed', null],
  ]);
});

test('runs show and compare: a torn run is shown and compared with its complete epochs and a note; an unreadable one is one line', async () => {
  const dir = freshDir();
  const good = await fixture(dir, 10);
  const torn = await fixture(dir, 11);
  const broken = await fixture(dir, 12);
  fs.appendFileSync(runPaths(path.join(dir, torn)).metrics, '{"type":"epoch","epoch":3');
  fs.writeFileSync(runPaths(path.join(dir, broken)).runJson, '{"id":');
  const show = await runRuns(['show', torn, '--runs-dir', dir]);
  assert.match(show, /\n {2}damaged {3}metrics\.jsonl: its last line is incomplete \(25 bytes, skipped\) \(every complete record is kept\)\n/);
  assert.match(show, /\n {2}epoch +2 +2\n/);
  assert.equal(JSON.parse(await runRuns(['show', torn, '--runs-dir', dir, '--json'])).damaged, 'metrics.jsonl: its last line is incomplete (25 bytes, skipped)');
  const compared = JSON.parse(await runRuns(['compare', good, torn, '--runs-dir', dir, '--json'])) as { runs: { epochsCompleted: number }[] };
  assert.deepEqual(compared.runs.map((r) => r.epochsCompleted), [2, 2]);
  await assert.rejects(runRuns(['show', broken, '--runs-dir', dir]), /run\.json: not valid JSON/);
  await assert.rejects(runRuns(['compare', good, broken, '--runs-dir', dir]), /run\.json: not valid JSON/);
});

// Real trainers, started as a user starts them (the CLI), on real MNIST cut short.
const MODEL = path.join(tmp, 'flat.cnn.ts');
fs.writeFileSync(MODEL, `import { model, dense, flatten, type Training } from 'cnn-explorer';
export default model('Flat', [28, 28, 1], [flatten(), dense(10)]);
export const training: Training = { dataset: 'mnist', epochs: 400, batchSize: 50, optimizer: { type: 'adam', lr: 0.01 } };
`);
const TRAIN = ['train', MODEL, '--limit-train', '200', '--limit-test', '100', '--backend', 'cpu'];

function cli(args: string[], opts: { detached?: boolean } = {}) {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: tmp, detached: opts.detached });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

async function until(check: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const onlyRun = (dir: string) => path.join(dir, fs.readdirSync(dir).find((f) => !f.startsWith('.'))!);

test('a real trainer killed with SIGKILL mid-run, its starter with it: runs list shows it interrupted, its complete epochs kept', async () => {
  const dir = freshDir();
  const { child, done } = cli([...TRAIN, '--runs-dir', dir], { detached: true });
  await until(() => fs.existsSync(dir) && fs.readdirSync(dir).length > 0 && epochsOf(onlyRun(dir)).length >= 2);
  // The CLI and its trainer share a process group: SIGKILL to both, nobody left to say what happened.
  process.kill(-child.pid!, 'SIGKILL');
  const killedAt = Date.now();
  await done;
  await new Promise((r) => setTimeout(r, 100));
  const runDir = onlyRun(dir);
  const epochs = epochsOf(runDir);
  assert.ok(epochs.length >= 2);
  assert.deepEqual(epochs, epochs.map((_, k) => k + 1), 'every epoch up to the kill, in order');
  assert.equal(readRun(runDir)!.status, 'running', 'nobody recorded the end');
  const list = await runRuns(['list', '--runs-dir', dir]);
  assert.match(list, new RegExp(`${path.basename(runDir)}  interrupted  Flat \\(flat\\.cnn\\.ts\\)  mnist .* ${epochs.length}/400`));
  const record = readRun(runDir)!;
  assert.equal(record.status, 'interrupted');
  assert.match(record.error!, /^the trainer \(pid \d+\) ended without finishing the run$/);
  assert.ok(Date.parse(record.endedAt!) <= killedAt, 'it ended at its last record, not when it was listed');
  assert.match(await runRuns(['show', path.basename(runDir), '--runs-dir', dir]), /status {4}interrupted/);
});

test('a full disk mid-run: the trainer ends the run with the error, what it wrote is kept, and the runs folder still lists', async (t) => {
  const disk = smallDisk(tmp, 512);
  if (!disk) return t.skip('cannot mount a tmpfs here (not root)');
  try {
    const dir = path.join(disk.dir, 'runs');
    const { done } = cli([...TRAIN, '--runs-dir', dir, '--epochs', '2000']);
    // The disk fills while it trains: a filler takes all but a few KiB once the first epoch is in.
    await until(() => fs.existsSync(dir) && fs.readdirSync(dir).length > 0 && epochsOf(onlyRun(dir)).length >= 1);
    const free = () => { const s = fs.statfsSync(disk.dir); return s.bavail * s.bsize; };
    fs.writeFileSync(path.join(disk.dir, 'filler'), Buffer.alloc(Math.max(0, free() - 8 * 1024)));
    const r = await done;
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /no space left on device/);
    const runDir = onlyRun(dir);
    const text = fs.readFileSync(runPaths(runDir).metrics, 'utf8');
    assert.ok(text.endsWith('\n'), 'only whole lines');
    assert.ok(text.split('\n').filter(Boolean).every((l) => JSON.parse(l)), 'every line is JSON');
    assert.ok(epochsOf(runDir).length >= 1);
    const list = await runRuns(['list', '--runs-dir', dir]);
    assert.match(list, new RegExp(`${path.basename(runDir)}  failed `));
    assert.match(await runRuns(['show', path.basename(runDir), '--runs-dir', dir]), /status {4}failed \(.*no space left on device/);
  } finally {
    disk.unmount();
  }
});

test('two real trainers on one runs folder at once: two runs, each its own id and whole files', async () => {
  const dir = freshDir();
  const both = await Promise.all([1, 2].map(() => cli([...TRAIN, '--runs-dir', dir, '--epochs', '2', '--json']).done));
  assert.deepEqual(both.map((r) => r.code), [0, 0], both.map((r) => r.stderr).join('\n'));
  const ids = both.map((r) => (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId);
  assert.notEqual(ids[0], ids[1]);
  assert.deepEqual(fs.readdirSync(dir).sort(), [...ids].sort(), 'no other file or folder');
  for (const id of ids) {
    const runDir = path.join(dir, id);
    assert.equal(readRun(runDir)!.id, id);
    assert.equal(readRun(runDir)!.status, 'completed');
    assert.deepEqual(epochsOf(runDir), [1, 2]);
    const lines = fs.readFileSync(runPaths(runDir).metrics, 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.every((l) => (JSON.parse(l) as { type: string }).type), 'every line whole');
    assert.ok(lines.every((l) => !l.includes('"runId"') || l.includes(id)), 'no line of the other run');
  }
  const listed = JSON.parse(await runRuns(['list', '--runs-dir', dir, '--json'])) as { id: string; damaged: string | null }[];
  assert.deepEqual(listed.map((r) => r.damaged), [null, null]);
});
