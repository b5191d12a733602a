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
    /** Whether a dataset that is not found may be downloaded (docs/downloads.md); the CLI's --offline and the editor's setting turn it off. */
    online?: boolean;
    /** How the starter sets the data folder, for "dataset not found" messages (LoadDatasetOptions). */
    dataDirOption?: string;
    /** The editor's http.proxy / http.noProxy for downloads; absent: HTTPS_PROXY, HTTP_PROXY, NO_PROXY (docs/downloads.md). */
    proxy?: { url: string | null; noProxy: string[] };
  };
  /** 'torch' when PyTorch trains (then `torch` or `torchUnavailable` is set); else what the tfjs trainer chooses among. */
  backend: BackendPreference;
  /**
   * For `auto` on tfjs: why the starter passed over torch (src/engine/torch/chooseEngine.ts);
   * they lead the list of what was skipped in the backend's reason.
   */
  backendPassedOver?: string[];
  /** The torch engine's part (docs/torch-engine.md), read by the Python trainer. */
  torch?: TorchSpec;
  /** torch was asked for and no Python has PyTorch: the run fails with this (backend-unavailable). */
  torchUnavailable?: string;
}

/** spec.json's `torch` section: the contract with python/cnn_explorer_torch (docs/torch-engine.md). */
export interface TorchSpec {
  /** The interpreter that was found. */
  python: string;
  /** Absolute path of <run>/model.py; its build_model() returns the nn.Module. */
  module: string;
  /** Absolute path of the prepared dataset (.safetensors). */
  data: string;
  /** Absolute path of a safetensors file with state_dict keys, or null. */
  initFrom: string | null;
  /** torch.set_num_threads() on the CPU (PyTorch may start with fewer). */
  threads: number;
  /** 'auto': cuda, then mps, then cpu. */
  device: 'cuda' | 'mps' | 'cpu' | 'auto';
  /** IR node id → the layer's dotted attribute path in the module (src/interop/torchNames.ts). */
  moduleNames: Record<string, string>;
  /** Why torch: 'requested', or for auto why each faster choice was passed over. */
  reason: string;
  /** Present when the run trains through torchrun with DDP (docs/distributed.md); absent: one process. */
  distributed?: TorchDistributed;
}

/** How torchrun is started for a DDP run: the starter's request with every default filled in. */
export interface TorchDistributed {
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
  syncBatchNorm: boolean;
}

/** What a starter (the CLI's flags, the editor's "on N GPUs") asks for; the rest is defaulted. */
export type DistributedRequest = Pick<TorchDistributed, 'nprocPerNode'> & Partial<Omit<TorchDistributed, 'nprocPerNode'>>;
