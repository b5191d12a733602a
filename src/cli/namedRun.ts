// The run a command names on its command line (an id or a unique prefix), with its spec: what
// `evaluate` and `insight` start from, each failure one sentence naming the run.
import type { RunSpec } from '../engine/trainer/spec';
import { readJson } from '../runs/files';
import { findRun, runPaths } from '../runs/store';
import type { RunRecord } from '../runs/types';

export interface NamedRun {
  id: string;
  record: RunRecord;
  spec: RunSpec;
  paths: ReturnType<typeof runPaths>;
}

export function readNamedRun(runsDir: string, idOrPrefix: string): NamedRun {
  const found = findRun(runsDir, idOrPrefix);
  if (!found) throw new Error(`no run '${idOrPrefix}' in ${runsDir}`);
  const paths = runPaths(found.dir);
  const spec = readJson<RunSpec>(paths.spec);
  if (!spec || !found.record) throw new Error(`run ${found.id} has no readable spec.json/run.json`);
  return { id: found.id, record: found.record, spec, paths };
}
