// The resolved run spec: everything the trainer process needs, written as spec.json in the run
// folder by whoever starts the run (CLI or extension). The trainer does not re-read the model file.
import type { ModelIR } from '../../dsl/ir';
import type { ResolvedTraining } from '../../runs/types';
import type { BackendPreference } from '../../shared/backends';
import type { Override } from '../training/overrides';

export type { BackendPreference };

export interface RunSpec {
  version: 1;
  runId: string;
  runDir: string;
  /** Where other runs live (initFrom looks there). */
  runsDir: string;
  model: { file: string; exportName: string; name: string; ir: ModelIR };
  config: ResolvedTraining;
  /** The command line's overrides, so that errors found later still name the `--set` at fault. */
  overrides: Override[];
  data: {
    dataDir?: string;
    cacheDir?: string;
    limitTrain?: number;
    limitTest?: number;
    /** Folder datasets are relative to this (the model file's folder). */
    baseDir: string;
    online?: boolean;
    /** How the starter sets the data folder, for "dataset not found" messages (LoadDatasetOptions). */
    dataDirOption?: string;
  };
  backend: BackendPreference;
}
