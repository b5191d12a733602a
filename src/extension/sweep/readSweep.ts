import { resolveRunId, readRunStrict } from '../../runs/lookup';
import { readMeta, runLabel } from '../../runs/meta';
import { readMetrics } from '../../runs/store';
import type { EpochRecord } from '../../runs/types';
import type { SweepTable } from '../../shared/messages';
import { sweepTable, type SweepInput } from './sweepTable';

// Reads the sweep's runs from their folders: run.json, the name in meta.json and the last epoch
// of metrics.jsonl. A run that cannot be read becomes one line in `problems`, never an error.

export function readSweep(runsDir: string, runIds: readonly string[]): { table: SweepTable; problems: string[] } {
  const inputs: SweepInput[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const given of runIds) {
    try {
      const { id, dir } = resolveRunId(runsDir, given);
      if (seen.has(id)) continue;
      seen.add(id);
      const record = readRunStrict(dir);
      let final: EpochRecord | null = null;
      for (const m of readMetrics(dir)) if (m.type === 'epoch') final = m;
      inputs.push({ record, label: runLabel(id, readMeta(dir)), final });
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { table: sweepTable(inputs), problems };
}
