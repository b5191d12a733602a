import * as path from 'node:path';
import { listRuns } from '../../runs/store';

/**
 * The run the graph asks about for a model: the newest finished run of a model of this name with a
 * best checkpoint, one trained from this file first (two files may name their models alike).
 */
export function runForModel(runsDir: string, modelName: string, file: string | null): string | null {
  const finished = listRuns(runsDir).filter((r) => r.record && r.record.status !== 'running'
    && r.record.bestEpoch !== null && r.record.model.name === modelName);
  const fromFile = file ? finished.find((r) => path.basename(r.record!.source.file) === path.basename(file)) : undefined;
  return (fromFile ?? finished[0])?.id ?? null;
}
