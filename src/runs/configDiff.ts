// What defines a run, flattened to dotted keys, and which of those keys differ between runs.
// Training keys are written as `--set` takes them (`optimizer.lr`, `permutePixels`), so a key
// seen in a diff can be typed back on the command line.
import { runDevices, runWorldSize } from '../shared/backends';
import type { RunRecord } from './types';

/** A leaf value: JSON scalars, and arrays kept whole (`normalize.mean: [0.1307]`). */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

/** Everything that defines a run, before flattening. The order here is the order shown. */
export function runDefinition(record: RunRecord): Record<string, unknown> {
  return {
    model: {
      name: record.model.name,
      export: record.model.export,
      file: record.source.file,
      sha256: record.source.sha256,
    },
    ...record.config,
    data: record.dataset
      ? { trainCount: record.dataset.trainCount, validationCount: record.dataset.validationCount, testCount: record.dataset.testCount }
      : null,
    backend: record.backend?.name ?? null,
    // Where it trained: a run on one process is world size 1 on its backend's device, so a DDP
    // run compared with it differs here (docs/distributed.md).
    worldSize: runWorldSize(record),
    devices: runDevices(record),
    // A DDP run's own settings; absent on one process (a run without them reads `—`).
    perRankBatch: record.distributed?.perRankBatch,
    syncBatchNorm: record.distributed?.syncBatchNorm,
  };
}

/** `{ a: { b: 1 }, c: [1, 2] }` → `{ 'a.b': 1, c: [1, 2] }`. Empty objects and null stay as one key. */
export function flatten(value: unknown, prefix = '', out: Record<string, ConfigValue> = {}): Record<string, ConfigValue> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix) {
    out[prefix] = (value === undefined ? null : value) as ConfigValue;
  }
  return out;
}

export interface ConfigDiff {
  /** Keys whose values differ, with one value per run (null where a run lacks the key). */
  differ: Record<string, ConfigValue[]>;
  /** Keys every run has with the same value. */
  same: Record<string, ConfigValue>;
}

function sameValue(a: ConfigValue, b: ConfigValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffConfigs(records: readonly RunRecord[]): ConfigDiff {
  const flat = records.map((r) => flatten(runDefinition(r)));
  // Union of keys in first-seen order.
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) for (const k of Object.keys(f)) if (!seen.has(k)) { seen.add(k); keys.push(k); }
  // `schedule: null` in one run and `schedule.type: 'step'` in another: the deeper keys say it
  // (null where absent), the placeholder would only read as "same: null".
  const hasChildren = (k: string) => keys.some((other) => other.startsWith(`${k}.`));
  const differ: Record<string, ConfigValue[]> = {};
  const same: Record<string, ConfigValue> = {};
  for (const key of keys) {
    if (hasChildren(key)) continue;
    const values = flat.map((f) => (key in f ? f[key]! : null));
    if (values.every((v) => sameValue(v, values[0]!))) same[key] = values[0]!;
    else differ[key] = values;
  }
  return { differ, same };
}

/** How a config value reads in tables: strings bare, the rest as JSON, null as `—`. */
export function formatConfigValue(value: ConfigValue): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
