// The model each run trained, rebuilt from the copy of its file kept in run.json (so a later edit
// of the file does not change what the run is compared as), for the architecture diff.
// Evaluating it runs the user's code: callers decide whether that is allowed (workspace trust).
import { analyzeModel } from '../analysis/index';
import { loadModelFile, selectModel } from '../loader/index';
import type { RunModel } from './archDiff';
import type { RunRecord } from './types';

export async function loadRunModel(record: RunRecord): Promise<RunModel> {
  try {
    // Helpers the file imports are read from disk next to the recorded path.
    const loaded = await loadModelFile(record.source.file, { text: record.source.text });
    const { exportName, model } = selectModel(loaded, record.model.export);
    return { exportName, model, analysis: analyzeModel(model) };
  } catch (err) {
    return { error: `cannot rebuild ${record.model.export} from ${record.source.file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

/** One model per run; the same file text and export is evaluated once. */
export async function loadRunModels(records: readonly RunRecord[]): Promise<RunModel[]> {
  const cache = new Map<string, Promise<RunModel>>();
  return Promise.all(records.map((r) => {
    const key = `${r.source.sha256}\0${r.source.file}\0${r.model.export}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = loadRunModel(r);
      cache.set(key, pending);
    }
    return pending;
  }));
}
