// Finding and reading runs for people: ids by unique prefix, and one clear sentence for each
// way a lookup fails (no such run, an ambiguous prefix, a run.json that cannot be read).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompareInput } from './compare';
import { readMeta } from './meta';
import { markInterruptedIfDead, readMetricsChecked, readRunChecked } from './store';
import type { EpochRecord, IterationRecord, RunRecord } from './types';

/** A run that cannot be found or read; the message is the whole story (no stack needed). */
export class RunLookupError extends Error {
  override name = 'RunLookupError';
}

function runFolders(runsDir: string): string[] {
  try {
    return fs.readdirSync(runsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  } catch {
    throw new RunLookupError(`no runs folder at ${runsDir} (train a model first, or pass --runs-dir)`);
  }
}

/** The run folder for an id or a unique prefix of one. */
export function resolveRunId(runsDir: string, idOrPrefix: string): { id: string; dir: string } {
  const names = runFolders(runsDir);
  if (names.includes(idOrPrefix)) return { id: idOrPrefix, dir: path.join(runsDir, idOrPrefix) };
  const matches = names.filter((n) => n.startsWith(idOrPrefix));
  if (matches.length === 1) return { id: matches[0]!, dir: path.join(runsDir, matches[0]!) };
  if (matches.length === 0) throw new RunLookupError(`no run '${idOrPrefix}' in ${runsDir}`);
  const shown = matches.slice(0, 5).join(', ') + (matches.length > 5 ? ', …' : '');
  throw new RunLookupError(`'${idOrPrefix}' matches ${matches.length} runs (${shown}): give more of the id`);
}

/** run.json, checked enough to be compared; a missing or corrupt one is an error naming the file. */
export function readRunStrict(dir: string): RunRecord {
  const read = readRunChecked(dir);
  if (!read.record) throw new RunLookupError(read.problem);
  const r = read.record;
  // A `running` run whose trainer is gone is reported as interrupted (the store decides).
  if (r.status === 'running') {
    try {
      return markInterruptedIfDead(dir) ?? r;
    } catch {
      return r;
    }
  }
  return r;
}

export interface LoadedRun extends CompareInput {
  dir: string;
}

/** A run's record, meta and metrics, as compareRuns takes them; `damaged` says what metrics.jsonl lost. */
export function loadRun(dir: string, opts: { iterations?: boolean } = {}): LoadedRun {
  const record = readRunStrict(dir);
  const { records: all, problem: damaged } = readMetricsChecked(dir, record.status === 'running');
  const epochs = all.filter((m): m is EpochRecord => m.type === 'epoch');
  const iterations = opts.iterations ? all.filter((m): m is IterationRecord => m.type === 'iteration') : undefined;
  return { dir, record, epochs, iterations, meta: readMeta(dir), damaged };
}

/** Resolves each id (or prefix) and loads the runs, in the order given; the same run twice is an error. */
export function loadRuns(runsDir: string, ids: readonly string[], opts: { iterations?: boolean } = {}): LoadedRun[] {
  const resolved = ids.map((id) => resolveRunId(runsDir, id));
  const seen = new Set<string>();
  for (const r of resolved) {
    if (seen.has(r.id)) throw new RunLookupError(`run ${r.id} is given twice`);
    seen.add(r.id);
  }
  return resolved.map((r) => loadRun(r.dir, opts));
}
