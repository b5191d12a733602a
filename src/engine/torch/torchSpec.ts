// spec.json's `torch` section for a run PyTorch trains (docs/torch-engine.md): where the module,
// the prepared dataset and the initial weights will be, which Python, and the module's attribute
// path of every layer. Computed by the starter when it writes spec.json; the launcher then makes
// the files it names (launcher.ts).
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelIR } from '../../dsl/ir';
import { torchNames } from '../../interop/torchNames';
import { isTorchvisionRef } from '../../weights/torchvision';
import type { RunSpec, TorchDistributed, TorchSpec } from '../trainer/spec';
import { preparedDatasetPath } from './preparedDatasetPath';
import type { TorchPython } from './python';

/** The module file in the run folder. */
const TORCH_MODULE_FILE = 'model.py';

/** Where a weights file that is not safetensors (a torch.save file) is converted to, in the run folder. */
const TORCH_INIT_FILE = 'initFrom.safetensors';

/**
 * The safetensors file of state_dict keys PyTorch starts from: a run's best checkpoint (both
 * engines write one), a .safetensors file as it is, or any other weights file as converted into
 * the run folder when the run starts (launcher.ts), torchvision's published weights included.
 * `initFrom` is a run id, `torchvision:<name>` or, resolved by the starter, an absolute path.
 * Null without initFrom.
 */
function torchInitFrom(runDir: string, runsDir: string, initFrom: string | null): string | null {
  if (initFrom === null) return null;
  if (isTorchvisionRef(initFrom)) return path.join(runDir, TORCH_INIT_FILE);
  if (!path.isAbsolute(initFrom)) return path.join(runsDir, initFrom, 'checkpoints', 'best', 'weights.safetensors');
  return /\.safetensors$/i.test(initFrom) ? initFrom : path.join(runDir, TORCH_INIT_FILE);
}

/** IR node id → the layer's dotted attribute path in the exported module. */
function moduleNames(ir: ModelIR): Record<string, string> {
  return Object.fromEntries([...torchNames(ir).nodes].map(([id, names]) => [id, names.join('.')]));
}

/**
 * `distributed`: the run trains through torchrun (docs/distributed.md); each of the node's ranks
 * then gets an equal share of its cores.
 */
export function torchSpec(
  spec: Pick<RunSpec, 'runDir' | 'runsDir' | 'config' | 'data'> & { ir: ModelIR }, python: TorchPython, reason: string, distributed?: TorchDistributed,
): TorchSpec {
  const cpus = os.cpus().length;
  return {
    python: python.python,
    module: path.join(spec.runDir, TORCH_MODULE_FILE),
    data: preparedDatasetPath({ ...spec, inputShape: spec.ir.inputShape }),
    initFrom: torchInitFrom(spec.runDir, spec.runsDir, spec.config.initFrom),
    threads: distributed ? Math.max(1, Math.floor(cpus / distributed.nprocPerNode)) : cpus,
    device: 'auto',
    moduleNames: moduleNames(spec.ir),
    reason,
    ...(distributed ? { distributed } : {}),
  };
}
