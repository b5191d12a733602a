// The run store: `<runs-dir>/<runId>/` with run.json, metrics.jsonl and checkpoints/. Readers
// tolerate what a crash can leave: no run.json, a torn last metrics line, a dead trainer.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonlReader, readJson, writeJsonAtomic } from './files';
import type { MachineInfo, ResolvedTraining, RunRecord } from './types';
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

/** Reads run.json, applies `change`, writes it back atomically. */
export function updateRun(dir: string, change: (r: RunRecord) => RunRecord | void): RunRecord {
  const current = readRun(dir);
  if (!current) throw new Error(`no run.json in ${dir}`);
  const next = change(current) ?? current;
  writeJsonAtomic(runPaths(dir).runJson, next);
  return next;
}

/** Whether a process with this id exists on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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
  return updateRun(dir, (r) => {
    r.status = 'interrupted';
    r.error = r.pid === null ? 'the trainer never started' : `the trainer (pid ${r.pid}) ended without finishing the run`;
    r.endedAt = r.endedAt ?? new Date().toISOString();
  });
}

export interface RunListing {
  id: string;
  dir: string;
  /** null when run.json is missing or unreadable (the folder is still listed). */
  record: RunRecord | null;
}

/** Every run folder, newest first (ids start with the time); dead `running` runs become interrupted. */
export function listRuns(runsDir: string): RunListing[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  } catch {
    return [];
  }
  return names.sort().reverse().map((id) => {
    const dir = path.join(runsDir, id);
    let record: RunRecord | null;
    try {
      record = markInterruptedIfDead(dir);
    } catch {
      record = readRun(dir);
    }
    return { id, dir, record };
  });
}

/** A line of metrics.jsonl: every message the trainer sent (docs/run-folder.md). */
export type MetricRecord = TrainerMessage;

/** All complete records of a run's metrics.jsonl (a torn last line, and lines of no protocol message, left out). */
export function readMetrics(dir: string): MetricRecord[] {
  return new JsonlReader<MetricRecord>(runPaths(dir).metrics, toTrainerMessage).read();
}

/** For live views: each call returns the records appended since the previous one. */
export function watchMetrics(dir: string): JsonlReader<MetricRecord> {
  return new JsonlReader<MetricRecord>(runPaths(dir).metrics, toTrainerMessage);
}

/** Finds a run by id (or unique id prefix) in a runs folder. */
export function findRun(runsDir: string, id: string): RunListing | null {
  const exact = path.join(runsDir, id);
  if (fs.existsSync(exact)) return { id, dir: exact, record: readRun(exact) };
  const matches = listRuns(runsDir).filter((r) => r.id.startsWith(id));
  return matches.length === 1 ? matches[0]! : null;
}
