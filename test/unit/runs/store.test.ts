import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveTraining } from '../../../src/engine/training/config';
import {
  createRun, findRun, JsonlReader, listRuns, markInterruptedIfDead, readMetrics, readRun, updateRun, writeJsonAtomic,
} from '../../../src/runs/index';
import { runResult } from '../../../src/runs/result';

// The run store as the trainer, the CLI and the sidebar use it, including what a crash leaves.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-runs-'));
const config = resolveTraining({ training: { epochs: 2 }, file: 'f', text: '' }).config;
const newRun = (runsDir: string, at = new Date(2026, 10, 22, 13, 45, 1)) =>
  createRun(runsDir, { modelName: 'LeNet-5', exportName: 'default', file: '/m/lenet.cnn.ts', text: 'export default 1;\n', config }, at);

test('createRun: a unique id with time, model and suffix, and a complete run.json', () => {
  const runsDir = path.join(root, 'create');
  const a = newRun(runsDir);
  const b = newRun(runsDir);
  assert.match(a.id, /^20261122-134501-lenet-5-[a-z0-9]{4}$/);
  assert.notEqual(a.id, b.id);
  const r = readRun(a.paths.dir)!;
  assert.equal(r.status, 'running');
  assert.equal(r.model.name, 'LeNet-5');
  assert.equal(r.source.text, 'export default 1;\n');
  assert.equal(r.source.sha256, '96909e1dce85ca534fd8881f6c8369a8a87e06df5a4bf81ef44a72db195b0704');
  assert.deepEqual(r.config, config);
  assert.equal(r.machine.cpus, os.cpus().length);
  assert.equal(r.machine.node, process.version);
  assert.equal(fs.readFileSync(a.paths.metrics, 'utf8'), '');
  assert.ok(fs.statSync(a.paths.checkpoints).isDirectory());
});

test('JSON documents are replaced atomically: no temporary files left, always parseable', () => {
  const file = path.join(root, 'doc.json');
  for (let i = 0; i < 20; i++) writeJsonAtomic(file, { i });
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { i: 19 });
  assert.deepEqual(fs.readdirSync(root).filter((f) => f.includes('doc.json')), ['doc.json']);
});

test('metrics: a torn last line is left out, and an incremental reader returns only new records', () => {
  const { paths } = newRun(path.join(root, 'metrics'));
  fs.appendFileSync(paths.metrics, '{"type":"iteration","loss":1}\n{"type":"iteration","loss":0.5}\n{"type":"itera');
  assert.deepEqual(readMetrics(paths.dir).map((r) => (r as { loss: number }).loss), [1, 0.5]);
  const reader = new JsonlReader<{ loss?: number; name?: string }>(paths.metrics);
  assert.equal(reader.read().length, 2);
  assert.deepEqual(reader.read(), []);
  fs.appendFileSync(paths.metrics, 'tion","loss":0.25}\n');
  assert.deepEqual(reader.read(), [{ type: 'iteration', loss: 0.25 }]);
  // A character cut between two writes is read whole.
  const bytes = Buffer.from('{"name":"chat été"}\n');
  fs.appendFileSync(paths.metrics, bytes.subarray(0, 14));
  assert.deepEqual(reader.read(), []);
  fs.appendFileSync(paths.metrics, bytes.subarray(14));
  assert.deepEqual(reader.read(), [{ name: 'chat été' }]);
});

test('listing: newest first, a folder without run.json still listed, prefixes find runs', () => {
  const runsDir = path.join(root, 'list');
  const older = newRun(runsDir, new Date(2026, 0, 1, 10, 0, 0));
  const newer = newRun(runsDir, new Date(2026, 5, 1, 10, 0, 0));
  fs.mkdirSync(path.join(runsDir, '20250101-000000-broken-zzzz'));
  const list = listRuns(runsDir);
  assert.deepEqual(list.map((r) => r.id), [newer.id, older.id, '20250101-000000-broken-zzzz']);
  assert.equal(list[2]!.record, null);
  assert.equal(findRun(runsDir, newer.id.slice(0, 12))!.id, newer.id);
  assert.equal(findRun(runsDir, '2026'), null, 'ambiguous prefix');
  assert.deepEqual(listRuns(path.join(root, 'nothing-here')), []);
});

test('a run whose trainer died is marked interrupted; a live one is left running', () => {
  const runsDir = path.join(root, 'dead');
  const dead = newRun(runsDir);
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  updateRun(dead.paths.dir, (r) => { r.pid = Number(gone.stdout); });
  const live = newRun(runsDir);
  updateRun(live.paths.dir, (r) => { r.pid = process.pid; });
  assert.equal(markInterruptedIfDead(dead.paths.dir)!.status, 'interrupted');
  assert.match(readRun(dead.paths.dir)!.error!, /^the trainer \(pid \d+\) ended without finishing the run$/);
  assert.equal(markInterruptedIfDead(live.paths.dir)!.status, 'running');
  const done = newRun(runsDir);
  updateRun(done.paths.dir, (r) => { r.status = 'completed'; r.pid = Number(gone.stdout); });
  assert.equal(markInterruptedIfDead(done.paths.dir)!.status, 'completed');
});

test('a trainer killed between an epoch\'s record and run.json\'s update: interrupted with that epoch counted', () => {
  const runsDir = path.join(root, 'between');
  const run = newRun(runsDir);
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  updateRun(run.paths.dir, (r) => { r.pid = Number(gone.stdout); r.epochsCompleted = 2; });
  const epoch = (n: number) => ({ type: 'epoch', epoch: n, epochs: 400, lr: 0.01, time: Date.now() });
  const step = { type: 'iteration', epoch: 4, step: 1, steps: 4, iteration: 13, loss: 0.5, accuracy: 0.8, lr: 0.01, time: Date.now() };
  // Three epochs in the log, then a step of the fourth and a line cut off by the kill.
  fs.writeFileSync(run.paths.metrics, `${[epoch(1), epoch(2), epoch(3), step].map((m) => JSON.stringify(m)).join('\n')}\n{"type":"itera`);
  const record = markInterruptedIfDead(run.paths.dir)!;
  assert.equal(record.status, 'interrupted');
  assert.equal(record.epochsCompleted, 3);
  assert.equal(readRun(run.paths.dir)!.epochsCompleted, 3, 'written back');
});

test('runResult: the result a run folder records, error code included; an older run.json without one reads as null', () => {
  const runsDir = path.join(root, 'result');
  const failed = newRun(runsDir);
  const record = updateRun(failed.paths.dir, (r) => {
    r.status = 'failed'; r.error = '/data/cifar10: not found'; r.errorCode = 'dataset-missing'; r.wallSeconds = 1.5;
  });
  const result = runResult(record, failed.id, failed.paths.dir);
  assert.equal(result.status, 'failed');
  assert.equal(result.errorCode, 'dataset-missing');
  assert.equal(result.error, '/data/cifar10: not found');
  assert.equal(result.wallSeconds, 1.5);
  assert.equal(result.epochs, 0);
  // run.json files written before error codes existed have no errorCode key.
  const old = { ...record } as Partial<typeof record>;
  delete old.errorCode;
  fs.writeFileSync(failed.paths.runJson, JSON.stringify(old));
  assert.equal(runResult(readRun(failed.paths.dir), failed.id, failed.paths.dir).errorCode, null);
  // No run.json at all: interrupted, and says so.
  const none = runResult(null, 'x', '/nowhere');
  assert.equal(none.status, 'interrupted');
  assert.match(none.error!, /no readable run.json/);
});
