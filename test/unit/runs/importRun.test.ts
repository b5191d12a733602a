import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveTraining } from '../../../src/engine/training/config';
import { ImportError, importRuns } from '../../../src/runs/importRun';
import { writeJsonAtomic } from '../../../src/runs/files';
import { createRun, listRuns, readRun, updateRun } from '../../../src/runs/store';

// `runs import`: runs made elsewhere (a training job's runs/, a run folder) copied into a runs
// folder, keeping their ids unless taken, and nothing copied when one of them cannot be read.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-import-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const config = resolveTraining({ training: { epochs: 1 }, file: 'f', text: '' }).config;

/** A finished run in `runsDir`, with a spec.json naming its folder as a starter writes it. */
function finishedRun(runsDir: string, at = new Date(2026, 11, 5, 6, 0, 0)): string {
  const { id, paths } = createRun(runsDir, { modelName: 'CNN', exportName: 'cnn', file: '/m/x.cnn.ts', text: 'x', config }, at);
  updateRun(paths.dir, (r) => { r.status = 'completed'; r.endedAt = r.startedAt; });
  writeJsonAtomic(paths.spec, { version: 1, runId: id, runDir: paths.dir, runsDir, torch: { module: path.join(paths.dir, 'model.py') } });
  fs.writeFileSync(path.join(paths.dir, 'model.py'), '# the module\n');
  return id;
}

test('a job folder: each run under runs/ is copied with its id, its origin and its spec pointing at the new folder', () => {
  const job = path.join(root, 'job');
  const a = finishedRun(path.join(job, 'runs'));
  const b = finishedRun(path.join(job, 'runs'));
  const into = path.join(root, 'into');
  const imported = importRuns(job, into);
  assert.deepEqual(imported.map((r) => r.id), [a, b].sort());
  assert.deepEqual(listRuns(into).map((r) => r.id).sort(), [a, b].sort());
  const record = readRun(path.join(into, a))!;
  assert.equal(record.importedFrom, path.join(job, 'runs', a));
  const spec = JSON.parse(fs.readFileSync(path.join(into, a, 'spec.json'), 'utf8')) as { runDir: string; runsDir: string; torch: { module: string } };
  assert.deepEqual([spec.runDir, spec.runsDir, spec.torch.module], [path.join(into, a), into, path.join(into, a, 'model.py')]);
  assert.deepEqual(fs.readdirSync(into).filter((n) => n.startsWith('.')), [], 'no temporary folder left');

  const again = importRuns(job, into);
  assert.deepEqual(again.map((r) => r.copied), [false, false], 'imported before: left as it is');
  assert.equal(listRuns(into).length, 2);
});

test('a run whose id is taken here gets a new suffix; a run folder is imported by itself', () => {
  const here = path.join(root, 'here');
  const there = path.join(root, 'there');
  const id = finishedRun(there);
  fs.mkdirSync(path.join(here, id), { recursive: true });
  const [imported] = importRuns(path.join(there, id), here);
  assert.notEqual(imported!.id, id);
  assert.equal(imported!.id.slice(0, -4), id.slice(0, -4), 'the start time and the model stay');
  assert.equal(readRun(path.join(here, imported!.id))!.id, imported!.id);
});

test('one run that cannot be read (or still runs) imports nothing, in one line naming the file', () => {
  const job = path.join(root, 'bad-job');
  const good = finishedRun(path.join(job, 'runs'));
  const running = createRun(path.join(job, 'runs'), { modelName: 'CNN', exportName: 'cnn', file: '/m/x.cnn.ts', text: 'x', config });
  const into = path.join(root, 'bad-into');
  assert.throws(() => importRuns(job, into), (err: Error) => err instanceof ImportError && /the run is still running/.test(err.message) && !err.message.includes('\n'));
  updateRun(running.paths.dir, (r) => { r.status = 'stopped'; });
  fs.rmSync(running.paths.metrics);
  assert.throws(() => importRuns(job, into), new ImportError(`cannot import ${running.paths.metrics}: missing`));
  assert.ok(!fs.existsSync(path.join(into, good)), 'the readable run was not copied either');
});
