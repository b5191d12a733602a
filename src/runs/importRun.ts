// `cnn-explorer runs import DIR`: runs trained elsewhere (a training job's runs/ folder on a
// cluster, docs/export.md, or any run folder) copied into this runs folder, where every reader
// takes them like a run trained here. A run keeps its id unless the id is taken here; run.json's
// `importedFrom` says where it came from. Every run is checked before any is copied, so a bad
// folder imports nothing and says why in one line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJson, writeJsonAtomic } from './files';
import { readMetricsChecked, readRunChecked, runPaths } from './store';
import type { RunRecord } from './types';

/** A folder that cannot be imported; the message is the whole story. */
export class ImportError extends Error {
  override name = 'ImportError';
}

export interface ImportedRun {
  id: string;
  /** The run folder it was copied from (absolute). */
  from: string;
  status: RunRecord['status'];
  /** False when this runs folder already held the same run (imported before): nothing was copied. */
  copied: boolean;
}

/** The run folders `dir` holds: itself when it is one (run.json, metrics.jsonl or spec.json), else each folder of `dir/runs` (a job's) or of `dir`. */
function runFoldersIn(dir: string): string[] {
  const own = runPaths(dir);
  if ([own.runJson, own.metrics, own.spec].some((f) => fs.existsSync(f))) return [dir];
  const parent = fs.existsSync(path.join(dir, 'runs')) ? path.join(dir, 'runs') : dir;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(parent, { withFileTypes: true });
  } catch (err) {
    throw new ImportError(`cannot read ${parent}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (err as Error).message}`);
  }
  const found = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => path.join(parent, e.name)).sort();
  if (found.length === 0) throw new ImportError(`no run in ${dir}: no run.json there, nor run folders in ${parent}`);
  return found;
}

/** run.json and metrics.jsonl read as any reader reads them; a run still running cannot be imported yet. */
function checkRun(dir: string): RunRecord {
  const read = readRunChecked(dir);
  if (!read.record) throw new ImportError(`cannot import ${read.problem}`);
  const metrics = runPaths(dir).metrics;
  try {
    fs.accessSync(metrics, fs.constants.R_OK);
    readMetricsChecked(dir, false);
  } catch (err) {
    throw new ImportError(`cannot import ${metrics}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`);
  }
  if (read.record.status === 'running') {
    throw new ImportError(`cannot import ${dir}: the run is still running (run.json says so); import it when it has ended`);
  }
  return read.record;
}

function freshId(id: string, taken: (id: string) => boolean): string {
  // The run store's id with another random suffix: the start time and the model stay readable.
  const stem = id.replace(/-[a-z0-9]{4}$/, '');
  for (;;) {
    const candidate = `${stem}-${Math.random().toString(36).slice(2, 6).padEnd(4, '0')}`;
    if (!taken(candidate)) return candidate;
  }
}

function sameRun(dir: string, record: RunRecord, from: string): boolean {
  const there = readJson<RunRecord>(runPaths(dir).runJson);
  return there !== null && there.importedFrom === from && there.startedAt === record.startedAt;
}

/**
 * Copies the runs under `dir` into `runsDir`: under a temporary name, then renamed in, so a
 * reader never lists half a run. run.json and spec.json name the run's new id and folder.
 */
export function importRuns(dir: string, runsDir: string): ImportedRun[] {
  const source = path.resolve(dir);
  if (!fs.existsSync(source)) throw new ImportError(`cannot import ${source}: no such folder`);
  const runs = runFoldersIn(source).map((from) => ({ from, record: checkRun(from) }));
  fs.mkdirSync(runsDir, { recursive: true });
  const imported: ImportedRun[] = [];
  for (const { from, record } of runs) {
    const existing = path.join(runsDir, record.id);
    if (fs.existsSync(existing) && sameRun(existing, record, from)) {
      imported.push({ id: record.id, from, status: record.status, copied: false });
      continue;
    }
    const id = fs.existsSync(existing) ? freshId(record.id, (c) => fs.existsSync(path.join(runsDir, c))) : record.id;
    const target = path.join(runsDir, id);
    const tmp = path.join(runsDir, `.${id}.import-${process.pid}.tmp`);
    try {
      fs.cpSync(from, tmp, { recursive: true, errorOnExist: true });
      const paths = runPaths(tmp);
      writeJsonAtomic(paths.runJson, { ...record, id, importedFrom: from } satisfies RunRecord);
      const spec = readJson<Record<string, unknown>>(paths.spec);
      if (spec) {
        const torch = spec.torch as { module?: string } | undefined;
        if (torch && fs.existsSync(path.join(tmp, 'model.py'))) torch.module = path.join(target, 'model.py');
        writeJsonAtomic(paths.spec, { ...spec, runId: id, runDir: target, runsDir });
      }
      fs.renameSync(tmp, target);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new ImportError(`cannot import ${from} into ${target}: ${(err as Error).message}`);
    }
    imported.push({ id, from, status: record.status, copied: true });
  }
  return imported;
}
