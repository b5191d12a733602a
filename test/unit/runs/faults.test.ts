import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { compareRuns } from '../../../src/runs/compare';
import { JsonlWriter, RunWriteError, writeJsonAtomic } from '../../../src/runs/files';
import { loadRun, loadRuns } from '../../../src/runs/lookup';
import { listRuns, markInterruptedIfDead, readMetrics, readRun, runPaths, updateRun } from '../../../src/runs/store';
import type { EpochRecord } from '../../../src/runs/types';
import { writeFixtureRun } from '../../support/runFixtures';
import { REPO_ROOT } from '../../support/paths';
import { smallDisk } from '../../support/smallDisk';

// What a crash, a fault or a crowd can do to a runs folder, and what the store makes of it: the
// damaged run listed and marked with why, every complete record kept, and the rest untouched.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-run-faults-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshDir = () => fs.mkdtempSync(path.join(tmp, `runs-${n++}-`));
const TEN = (v: number) => new Array<number>(10).fill(v);

async function threeEpochRun(dir: string, hour = 10): Promise<string> {
  return writeFixtureRun(dir, { exportName: 'mlp', permutePixels: null, correct: [TEN(70), TEN(80), TEN(90)], at: new Date(2026, 0, 1, hour) });
}

const epochsOf = (dir: string) => readMetrics(dir).filter((m): m is EpochRecord => m.type === 'epoch').map((e) => e.epoch);

/** A pid that is certainly dead: a child that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

test('a truncated last metrics line: skipped, every complete line before it kept, the run marked damaged', async () => {
  const dir = freshDir();
  const id = await threeEpochRun(dir);
  const runDir = path.join(dir, id);
  fs.appendFileSync(runPaths(runDir).metrics, '{"type":"epoch","epoch":4,"epo');
  assert.deepEqual(epochsOf(runDir), [1, 2, 3]);
  const [listed] = listRuns(dir);
  assert.equal(listed!.record!.status, 'completed');
  assert.equal(listed!.damaged, 'metrics.jsonl: its last line is incomplete (30 bytes, skipped)');
  const loaded = loadRun(runDir);
  assert.deepEqual(loaded.epochs.map((e) => e.epoch), [1, 2, 3]);
  assert.equal(loaded.damaged, listed!.damaged);
  assert.match(compareRuns([loaded]).warnings.join('\n'), /#1 \(.*\) is damaged: metrics\.jsonl: its last line is incomplete/);
});

test('a torn line with a whole record appended after it: the whole record is kept, the torn one counted', async () => {
  const dir = freshDir();
  const id = await threeEpochRun(dir);
  const runDir = path.join(dir, id);
  const lines = fs.readFileSync(runPaths(runDir).metrics, 'utf8').split('\n');
  // Epoch 2's line torn in half, with epoch 3's line written straight after it.
  const e2 = lines.findIndex((l) => l.includes('"epoch":2,"epochs"') && l.startsWith('{"type":"epoch"'));
  lines[e2] = lines[e2]!.slice(0, 40) + lines[e2 + 1]!;
  lines.splice(e2 + 1, 1);
  fs.writeFileSync(runPaths(runDir).metrics, lines.join('\n'));
  assert.deepEqual(epochsOf(runDir), [1, 3]);
  assert.equal(loadRun(runDir).damaged, 'metrics.jsonl: 1 line is not JSON (skipped)');
});

test('a run.json that is not JSON, or not a run record: listed as damaged with why, the other runs as they are', async () => {
  const dir = freshDir();
  const good = await threeEpochRun(dir, 10);
  const notJson = await threeEpochRun(dir, 11);
  const notRecord = await threeEpochRun(dir, 12);
  fs.writeFileSync(runPaths(path.join(dir, notJson)).runJson, '{"version":1,"id":"x","sta');
  fs.writeFileSync(runPaths(path.join(dir, notRecord)).runJson, '{}');
  const listed = listRuns(dir);
  assert.deepEqual(listed.map((l) => l.id), [notRecord, notJson, good]);
  assert.equal(listed[0]!.record, null);
  assert.match(listed[0]!.damaged!, /run\.json: not a CNN Explorer run record/);
  assert.equal(listed[1]!.record, null);
  assert.match(listed[1]!.damaged!, /run\.json: not valid JSON \(/);
  assert.equal(listed[2]!.record!.status, 'completed');
  assert.equal(listed[2]!.damaged, null);
  assert.throws(() => loadRuns(dir, [good, notJson]), /run\.json: not valid JSON/);
});

test('a trainer killed (SIGKILL) mid-run: interrupted when listed, its complete epochs kept', async () => {
  const dir = freshDir();
  const id = await threeEpochRun(dir);
  const runDir = path.join(dir, id);
  const pid = await deadPid();
  updateRun(runDir, (r) => { r.status = 'running'; r.pid = pid; r.endedAt = null; r.wallSeconds = null; });
  fs.appendFileSync(runPaths(runDir).metrics, '{"type":"iteration","epoch":4,"st');
  const [listed] = listRuns(dir);
  assert.equal(listed!.record!.status, 'interrupted');
  assert.equal(listed!.record!.error, `the trainer (pid ${pid}) ended without finishing the run`);
  assert.match(listed!.damaged!, /last line is incomplete/);
  assert.equal(readRun(runDir)!.status, 'interrupted', 'written back');
  assert.deepEqual(epochsOf(runDir), [1, 2, 3]);
});

test('a trainer that said done but could not write run.json: its result is taken from metrics.jsonl', async () => {
  const dir = freshDir();
  const id = await threeEpochRun(dir);
  const runDir = path.join(dir, id);
  const pid = await deadPid();
  updateRun(runDir, (r) => { r.status = 'running'; r.pid = pid; r.endedAt = null; });
  const log = new JsonlWriter(runPaths(runDir).metrics);
  log.append({ type: 'error', code: 'internal', message: 'cannot write x: no space left on device', location: null, time: 1 });
  log.append({ type: 'done', time: Date.UTC(2026, 0, 1), result: {
    runId: id, runDir, status: 'failed', backend: 'wasm', epochs: 3, bestEpoch: 3, testAccuracy: 0.9, testLoss: 0.1, perClassAccuracy: [],
    classNames: [], confusionMatrix: [], trainImagesPerSecond: 500, wallSeconds: 12, error: 'cannot write x: no space left on device', errorCode: 'internal',
  } });
  log.close();
  const record = markInterruptedIfDead(runDir)!;
  assert.equal(record.status, 'failed');
  assert.equal(record.error, 'cannot write x: no space left on device');
});

test('two processes creating runs in one folder at the same second: no id shared, every run.json whole', async () => {
  const dir = freshDir();
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const store = path.join(REPO_ROOT, 'src/runs/store.ts');
  const config = JSON.stringify({ dataset: 'mnist', epochs: 1, batchSize: 8, seed: 0, optimizer: { type: 'adam', lr: 0.001, weightDecay: 0 } });
  const script = `const { createRun, updateRun } = require(${JSON.stringify(store)});
    const now = new Date(2026, 0, 1, 12);
    for (let k = 0; k < 150; k++) {
      const { paths } = createRun(${JSON.stringify(dir)}, { modelName: 'Same', exportName: 'default', file: 'm.cnn.ts', text: 'x', config: ${config} }, now);
      updateRun(paths.dir, (r) => { r.epochsCompleted = k; });
    }`;
  const run = () => new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, '-e', script], { stdio: 'inherit' });
    child.on('close', resolve);
  });
  assert.deepEqual(await Promise.all([run(), run()]), [0, 0]);
  const listed = listRuns(dir);
  assert.equal(listed.length, 300);
  assert.equal(new Set(listed.map((l) => l.id)).size, 300);
  assert.ok(listed.every((l) => l.record && !l.damaged && l.record.id === l.id));
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary file left');
});

/** Fills the disk at `dir` to its last byte. */
function fill(dir: string): void {
  const fd = fs.openSync(path.join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch { /* full */ }
  try {
    for (;;) fs.writeSync(fd, chunk, 0, 1);
  } catch { /* full to the byte */ } finally {
    fs.closeSync(fd);
  }
}

test('a full disk: an append fails with one clear error and leaves only whole lines; run.json keeps its last version', async (t) => {
  const disk = smallDisk(tmp, 256);
  if (!disk) return t.skip('cannot mount a tmpfs here (not root)');
  try {
    const dir = path.join(disk.dir, 'runs');
    const id = await threeEpochRun(dir);
    const runDir = path.join(dir, id);
    const pid = await deadPid();
    updateRun(runDir, (r) => { r.status = 'running'; r.pid = pid; });
    const before = fs.readFileSync(runPaths(runDir).runJson, 'utf8');
    const log = new JsonlWriter(runPaths(runDir).metrics);
    // Half a line's worth of space left: the line cannot be written whole.
    fill(disk.dir);
    fs.truncateSync(path.join(disk.dir, 'filler'), fs.statSync(path.join(disk.dir, 'filler')).size - 2000);
    const record = { type: 'status', phase: 'training', message: 'x'.repeat(6000), time: 0 };
    assert.throws(() => log.append(record), (err: unknown) =>
      err instanceof RunWriteError && err.message === `cannot write ${runPaths(runDir).metrics}: no space left on device`);
    log.close();
    const text = fs.readFileSync(runPaths(runDir).metrics, 'utf8');
    assert.ok(text.endsWith('}\n'), 'no torn line left behind');
    assert.deepEqual(epochsOf(runDir), [1, 2, 3]);
    fill(disk.dir);
    assert.throws(() => writeJsonAtomic(runPaths(runDir).runJson, { ...JSON.parse(before), status: 'failed' }), RunWriteError);
    assert.equal(fs.readFileSync(runPaths(runDir).runJson, 'utf8'), before);
    assert.deepEqual(fs.readdirSync(runDir).filter((f) => f.endsWith('.tmp')), [], 'the temporary file is removed');
    // A dead trainer's run on a full disk is still reported interrupted (written when it can be).
    const [listed] = listRuns(dir);
    assert.equal(listed!.record!.status, 'interrupted');
    assert.equal(readRun(runDir)!.status, 'running');
  } finally {
    disk.unmount();
  }
});

test('listing a folder again reads only the runs that changed', async () => {
  const dir = freshDir();
  const a = await threeEpochRun(dir, 10);
  const b = await threeEpochRun(dir, 11);
  const first = listRuns(dir);
  const second = listRuns(dir);
  assert.ok(first.every((l, k) => l === second[k]), 'unchanged runs: the same listing, not read again');
  updateRun(path.join(dir, a), (r) => { r.endedEarly = 'stop requested'; });
  fs.appendFileSync(runPaths(path.join(dir, b)).metrics, '{"type":"ep');
  const third = listRuns(dir);
  assert.equal(third.find((l) => l.id === a)!.record!.endedEarly, 'stop requested');
  assert.match(third.find((l) => l.id === b)!.damaged!, /incomplete/);
  fs.rmSync(path.join(dir, a), { recursive: true });
  assert.deepEqual(listRuns(dir).map((l) => l.id), [b]);
});

test('a runs folder of 2,000 runs, two of them damaged: all listed, the damaged ones marked, a second listing from what it kept', async () => {
  const dir = freshDir();
  const model = await threeEpochRun(dir);
  const modelDir = path.join(dir, model);
  const ids: string[] = [];
  for (let k = 0; k < 2000; k++) {
    const id = `20250101-${String(100000 + k)}-mlp-${k.toString(36).padStart(4, '0')}`;
    fs.cpSync(modelDir, path.join(dir, id), { recursive: true });
    updateRunFile(path.join(dir, id), id);
    ids.push(id);
  }
  fs.rmSync(modelDir, { recursive: true });
  fs.writeFileSync(runPaths(path.join(dir, ids[500]!)).runJson, '{');
  fs.appendFileSync(runPaths(path.join(dir, ids[1500]!)).metrics, '{"type"');
  const first = listRuns(dir);
  assert.equal(first.length, 2000);
  assert.deepEqual(first.filter((l) => l.damaged).map((l) => l.id), [ids[1500], ids[500]]);
  assert.ok(first.filter((l) => !l.damaged).every((l) => l.record?.status === 'completed'));
  const second = listRuns(dir);
  assert.ok(second.every((l, k) => l === first[k]));
});

/** A copied run folder made its own: run.json's id is the folder's. */
function updateRunFile(runDir: string, id: string): void {
  const file = runPaths(runDir).runJson;
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"id": "[^"]*"/, `"id": "${id}"`));
}
