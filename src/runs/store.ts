// The run store: `<runs-dir>/<runId>/` with run.json, metrics.jsonl and checkpoints/. Readers
// tolerate what a crash can leave: no run.json, a torn last metrics line, a dead trainer.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonlReader, readJson, RunWriteError, writeJsonAtomic } from './files';
import type { EpochRecord, MachineInfo, ResolvedTraining, RunRecord } from './types';
import { toTrainerMessage, type TrainerMessage } from '../shared/trainerProtocol';

export const DEFAULT_RUNS_DIR = '.cnn-runs';

export function defaultRunsDir(cwd = process.cwd()): string {
  return path.resolve(cwd, DEFAULT_RUNS_DIR);
}

export interface RunPaths {
  dir: string;
  runJson: string;
  metrics: string;
  spec: string;
  checkpoints: string;
  best: string;
  last: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    runJson: path.join(dir, 'run.json'),
    metrics: path.join(dir, 'metrics.jsonl'),
    spec: path.join(dir, 'spec.json'),
    checkpoints: path.join(dir, 'checkpoints'),
    best: path.join(dir, 'checkpoints', 'best'),
    last: path.join(dir, 'checkpoints', 'last'),
  };
}

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()}`, arch: os.arch(), cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(), node: process.version, hostname: os.hostname(),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'model';
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export interface NewRun {
  modelName: string;
  exportName: string;
  file: string;
  text: string;
  config: ResolvedTraining;
}

/**
 * Creates `<runs-dir>/<id>/` with run.json (status running) and an empty metrics.jsonl. The id is
 * `YYYYMMDD-HHMMSS-<model>-<random>`; the folder is created exclusively, so ids never collide.
 */
export function createRun(runsDir: string, run: NewRun, now = new Date()): { id: string; paths: RunPaths; record: RunRecord } {
  fs.mkdirSync(runsDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const id = `${stamp(now)}-${slug(run.modelName)}-${Math.random().toString(36).slice(2, 6)}`;
    const paths = runPaths(path.join(runsDir, id));
    try {
      fs.mkdirSync(paths.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 20) continue;
      throw err;
    }
    fs.mkdirSync(paths.checkpoints);
    fs.writeFileSync(paths.metrics, '');
    const record: RunRecord = {
      version: 1, id, status: 'running', error: null, errorCode: null,
      model: { name: run.modelName, export: run.exportName },
      source: { file: run.file, text: run.text, sha256: sha256(run.text) },
      config: run.config, dataset: null, backend: null, machine: machineInfo(), pid: null,
      startedAt: now.toISOString(), endedAt: null, epochsCompleted: 0, monitor: null, bestEpoch: null, best: null,
      trainImagesPerSecond: null, wallSeconds: null, endedEarly: null, initFrom: null,
    };
    writeJsonAtomic(paths.runJson, record);
    return { id, paths, record };
  }
}

export function readRun(dir: string): RunRecord | null {
  return readJson<RunRecord>(runPaths(dir).runJson);
}

/** run.json read and checked enough to be shown: the record, or why it cannot be (naming the file). */
export function readRunChecked(dir: string): { record: RunRecord; problem: null } | { record: null; problem: string } {
  const file = runPaths(dir).runJson;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { record: null, problem: `${file}: missing (not a run folder, or the run never started)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { record: null, problem: `${file}: not valid JSON (${(err as Error).message})` };
  }
  const r = value as Partial<RunRecord> | null;
  if (!r || typeof r !== 'object' || typeof r.id !== 'string' || !r.model || !r.config || !r.source || !r.machine
    || typeof r.status !== 'string' || typeof r.startedAt !== 'string') {
    return { record: null, problem: `${file}: not a CNN Explorer run record (id, model, source, config, machine, status or startedAt missing)` };
  }
  return { record: r as RunRecord, problem: null };
}

/** Reads run.json, applies `change`, writes it back atomically. */
export function updateRun(dir: string, change: (r: RunRecord) => RunRecord | void): RunRecord {
  const current = readRun(dir);
  if (!current) throw new Error(`no run.json in ${dir}`);
  const next = change(current) ?? current;
  writeJsonAtomic(runPaths(dir).runJson, next);
  return next;
}

/**
 * updateRun for the end of a run: a run.json that cannot be written (a full disk) still gives
 * the record as changed, so the run ends with its result; readers find it interrupted later.
 */
export function updateRunOrKeep(dir: string, change: (r: RunRecord) => RunRecord | void): RunRecord {
  try {
    return updateRun(dir, change);
  } catch (err) {
    if (!(err instanceof RunWriteError)) throw err;
    const current = readRun(dir);
    if (!current) throw err;
    return change(current) ?? current;
  }
}

/** Whether a process with this id exists on this machine (a zombie, dead but not yet reaped, does not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed trainer whose starter died too stays a zombie where nothing reaps orphans (containers).
  try {
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS, Windows): kill's answer stands
  }
}

/**
 * A run that says `running` but whose trainer is gone (killed, machine rebooted) becomes
 * `interrupted`, keeping everything it wrote. Only decided on the machine that ran it.
 */
export function markInterruptedIfDead(dir: string): RunRecord | null {
  const run = readRun(dir);
  if (!run || run.status !== 'running') return run;
  const sameHost = run.machine.hostname === os.hostname();
  if (!sameHost) return run;
  if (run.pid !== null && processAlive(run.pid)) return run;
  if (run.pid === null && Date.now() - Date.parse(run.startedAt) < 60_000) return run; // still starting
  // A trainer that said `done` but could not write run.json (a full disk) left its result in the log.
  const tail = tailMetricRecords(dir);
  const last = tail.at(-1) ?? null;
  // The trainer appends an epoch's record before it updates run.json: killed in between, the
  // log holds one more complete epoch than run.json says (the curves and compare show it).
  const lastEpoch = tail.findLast((m): m is EpochRecord => m.type === 'epoch');
  const interrupted = (r: RunRecord) => {
    if (last?.type === 'done') {
      r.status = last.result.status;
      r.error = last.result.error;
      r.errorCode = last.result.errorCode;
      r.endedAt = r.endedAt ?? new Date(last.time).toISOString();
      r.wallSeconds = last.result.wallSeconds;
      return;
    }
    r.status = 'interrupted';
    if (lastEpoch) r.epochsCompleted = Math.max(r.epochsCompleted, lastEpoch.epoch);
    r.error = r.pid === null ? 'the trainer never started' : `the trainer (pid ${r.pid}) ended without finishing the run`;
    // It ended at its last word, not when someone looked (a run killed last week is not a week long).
    const lastWord = last && last.time >= Date.parse(r.startedAt) ? new Date(last.time) : new Date();
    r.endedAt = r.endedAt ?? lastWord.toISOString();
  };
  try {
    return updateRun(dir, interrupted);
  } catch {
    // The folder cannot be written (a full disk): say it all the same, and write it another time.
    interrupted(run);
    return run;
  }
}

/** The whole records among metrics.jsonl's last bytes, in order; none when it cannot be read. */
function tailMetricRecords(dir: string): MetricRecord[] {
  let text: string;
  try {
    const fd = fs.openSync(runPaths(dir).metrics, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const tail = Buffer.alloc(Math.min(size, 1 << 16));
      fs.readSync(fd, tail, 0, tail.length, size - tail.length);
      text = tail.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
  // The first line may be cut by the window, the last may be unfinished: both fail to parse.
  return text.slice(0, text.lastIndexOf('\n')).split('\n').flatMap((line) => {
    try {
      const record = toTrainerMessage(JSON.parse(line));
      return record ? [record] : [];
    } catch {
      return [];
    }
  });
}

/**
 * What a finished run's metrics.jsonl lost to a crash: a last line without its newline. Reads the
 * file's last bytes only, so a listing of many runs stays cheap; null when it ends whole.
 */
function metricsTailProblem(dir: string, size: number): string | null {
  if (size === 0) return null; // none yet, or empty: nothing was lost that a reader could keep
  let fd: number;
  try {
    fd = fs.openSync(runPaths(dir).metrics, 'r');
  } catch {
    return null;
  }
  try {
    const last = Buffer.alloc(1);
    if (fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 10) return null;
    const tail = Buffer.alloc(Math.min(size, 1 << 16));
    const got = fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    const lineStart = tail.subarray(0, got).lastIndexOf(10) + 1;
    const torn = lineStart === 0 && got < size ? `over ${got}` : String(got - lineStart);
    return metricsProblem({ skippedLines: 0, pendingBytes: 0, tornBytes: torn });
  } finally {
    fs.closeSync(fd);
  }
}

/** One sentence for what a reader of metrics.jsonl skipped; null when it skipped nothing. */
export function metricsProblem(seen: { skippedLines: number; pendingBytes: number; tornBytes?: string }): string | null {
  const parts: string[] = [];
  const torn = seen.tornBytes ?? (seen.pendingBytes ? String(seen.pendingBytes) : null);
  if (torn) parts.push(`its last line is incomplete (${torn} bytes, skipped)`);
  if (seen.skippedLines) parts.push(`${seen.skippedLines} line${seen.skippedLines === 1 ? ' is' : 's are'} not JSON (skipped)`);
  return parts.length ? `metrics.jsonl: ${parts.join('; ')}` : null;
}

export interface RunListing {
  id: string;
  dir: string;
  /** null when run.json is missing, not JSON or not a run record (the folder is still listed). */
  record: RunRecord | null;
  /**
   * What a crash or a fault left damaged, in one sentence naming the file: run.json unreadable
   * (record null), or a finished run's metrics.jsonl ending in a torn line. null when whole.
   */
  damaged: string | null;
}

/** The identity of a file's current version: a rewrite (atomic rename) or an append changes it. */
function version(s: fs.Stats | undefined): string {
  return s ? `${s.ino}:${s.size}:${s.mtimeMs}` : '-';
}

// Listings by runs folder and run id, with the versions of run.json and metrics.jsonl they were
// read from: a folder of thousands of runs is listed again (the sidebar does so every second)
// with two stats per run, reading only what changed.
const listingCache = new Map<string, Map<string, { version: string; listing: RunListing }>>();

function listRun(runsDir: string, id: string, previous: { version: string; listing: RunListing } | undefined) {
  const dir = path.join(runsDir, id);
  // The two files by concatenation: path.join's normalising is most of a cached listing's time.
  const runJson = fs.statSync(`${dir}${path.sep}run.json`, { throwIfNoEntry: false });
  const metrics = fs.statSync(`${dir}${path.sep}metrics.jsonl`, { throwIfNoEntry: false });
  const current = `${version(runJson)}|${version(metrics)}`;
  // A `running` run is looked at again each time: its trainer may have died since.
  if (previous && previous.version === current && previous.listing.record?.status !== 'running') return previous;
  const read = readRunChecked(dir);
  let record = read.record;
  if (record?.status === 'running') {
    try {
      record = markInterruptedIfDead(dir);
    } catch { /* mid-replace: as read */ }
  }
  const damaged = read.problem ?? (record && record.status !== 'running' ? metricsTailProblem(dir, metrics?.size ?? 0) : null);
  // The version seen before reading: a change made since (marked interrupted) is read next time.
  return { version: current, listing: { id, dir, record, damaged } };
}

/**
 * Every run folder, newest first (ids start with the time); dead `running` runs become
 * interrupted. Runs whose files did not change since the last listing of this folder are not
 * read again.
 */
export function listRuns(runsDir: string): RunListing[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  } catch {
    listingCache.delete(runsDir);
    return [];
  }
  const previous = listingCache.get(runsDir) ?? new Map<string, { version: string; listing: RunListing }>();
  const next = new Map<string, { version: string; listing: RunListing }>();
  const listings = names.sort().reverse().map((id) => {
    const entry = listRun(runsDir, id, previous.get(id));
    next.set(id, entry);
    return entry.listing;
  });
  listingCache.set(runsDir, next);
  return listings;
}

/** A line of metrics.jsonl: every message the trainer sent (docs/run-folder.md). */
export type MetricRecord = TrainerMessage;

/** All complete records of a run's metrics.jsonl (a torn last line, and lines of no protocol message, left out). */
export function readMetrics(dir: string): MetricRecord[] {
  return new JsonlReader<MetricRecord>(runPaths(dir).metrics, toTrainerMessage).read();
}

/**
 * readMetrics, and what it skipped: metricsProblem's sentence, null when nothing. A live run's
 * last line may be one being written, so only a finished run's torn last line counts.
 */
export function readMetricsChecked(dir: string, live: boolean): { records: MetricRecord[]; problem: string | null } {
  const reader = new JsonlReader<MetricRecord>(runPaths(dir).metrics, toTrainerMessage);
  const records = reader.read();
  return { records, problem: metricsProblem({ skippedLines: reader.skippedLines, pendingBytes: live ? 0 : reader.pendingBytes }) };
}

/** For live views: each call returns the records appended since the previous one. */
export function watchMetrics(dir: string): JsonlReader<MetricRecord> {
  return new JsonlReader<MetricRecord>(runPaths(dir).metrics, toTrainerMessage);
}

/** Finds a run by id (or unique id prefix) in a runs folder. */
export function findRun(runsDir: string, id: string): RunListing | null {
  const exact = path.join(runsDir, id);
  if (fs.existsSync(exact)) {
    const read = readRunChecked(exact);
    return { id, dir: exact, record: read.record, damaged: read.problem };
  }
  const matches = listRuns(runsDir).filter((r) => r.id.startsWith(id));
  return matches.length === 1 ? matches[0]! : null;
}
