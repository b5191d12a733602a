// What the user says about a run: a display name and tags, in `meta.json` beside run.json.
// Kept apart from run.json because the trainer owns that file and rewrites it while a run is
// live; a second writer there could lose one side's change. meta.json has one writer (the
// user's action), written atomically like every JSON document of a run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJson, writeJsonAtomic } from './files';

export interface RunMeta {
  /** A name the user gave the run (shown instead of / beside its id); null when none. */
  name: string | null;
  tags: string[];
}

const EMPTY_META: RunMeta = { name: null, tags: [] };

export function metaPath(runDir: string): string {
  return path.join(runDir, 'meta.json');
}

/** The run's meta.json; missing or unreadable reads as no name and no tags. */
export function readMeta(runDir: string): RunMeta {
  const raw = readJson<Partial<RunMeta>>(metaPath(runDir));
  if (!raw || typeof raw !== 'object') return { ...EMPTY_META, tags: [] };
  const name = typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim() : null;
  const tags = Array.isArray(raw.tags) ? normalizeTags(raw.tags.filter((t): t is string => typeof t === 'string')) : [];
  return { name, tags };
}

/** Trimmed, non-empty, each once, in the order given. */
function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags.map((s) => s.trim())) if (t && !out.includes(t)) out.push(t);
  return out;
}

/** Splits what a user typed ("baseline, permuted  mnist") into tags: commas separate. */
export function parseTags(text: string): string[] {
  return normalizeTags(text.split(','));
}

/** Applies a change to meta.json (atomic write). The run folder must exist. */
export function updateMeta(runDir: string, change: Partial<RunMeta>): RunMeta {
  if (!fs.existsSync(path.join(runDir, 'run.json'))) throw new Error(`not a run folder: ${runDir}`);
  const current = readMeta(runDir);
  const next: RunMeta = {
    name: change.name === undefined ? current.name : change.name?.trim() || null,
    tags: change.tags === undefined ? current.tags : normalizeTags(change.tags),
  };
  writeJsonAtomic(metaPath(runDir), next);
  return next;
}

/** How a run is named in lists: its name, else its id. */
export function runLabel(id: string, meta: RunMeta): string {
  return meta.name ?? id;
}
