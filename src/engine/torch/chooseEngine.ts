// Which engine trains a run, decided by the starter before it starts a trainer: the tfjs trainer
// chooses among its own backends inside its process, but whether that process or PyTorch runs
// must be known before either is started. `auto` goes: torch on a GPU, tensorflow (tfjs-node),
// webgpu on a hardware adapter, torch on the CPU, wasm, cpu. The starter settles the torch
// steps; when torch is not chosen, the tfjs trainer is asked for `auto` with why torch was
// passed over, so its backend line tells the whole story. Each probe runs at most once per
// chooser: a train command (a sweep of many runs) makes one.
import { installedTfjsNode } from '../backends/nativePackages';
import { hardwareAdapter } from '../backends/webgpuAdapter';
import type { BackendPreference } from '../../shared/backends';
import { findTorchPython, TorchNotFoundError, type PythonCandidate, type TorchPython } from './python';

/** What the starter found out: each a question asked only when the order gets to it. */
export interface EngineProbes {
  /** The Python with PyTorch, or why there is none. */
  torch(): Promise<TorchPython | TorchNotFoundError>;
  /** The tfjs-node package installed here (not loaded), or null. */
  tfjsNode(): { name: string; version: string } | null;
  /** A hardware WebGPU adapter's name, or why there is none. */
  webgpu(): Promise<{ name: string } | { reason: string }>;
}

export type EngineChoice =
  /** PyTorch trains: `reason` is the backend message's ('requested', or for auto why). */
  | { engine: 'torch'; python: TorchPython; reason: string }
  /** torch was asked for and no Python has it: the run fails `backend-unavailable` with this message. */
  | { engine: 'torch'; python: null; unavailable: string }
  /** The tfjs trainer, asked for `preference`; `passedOver` leads its reason for auto. */
  | { engine: 'tfjs'; preference: BackendPreference; passedOver: string[] };

export type EngineChooser = (preference: BackendPreference) => Promise<EngineChoice>;

/** The probes of this machine, each run once however often the chooser is asked. */
function machineProbes(candidates: readonly PythonCandidate[]): EngineProbes {
  let torch: Promise<TorchPython | TorchNotFoundError> | null = null;
  let webgpu: Promise<{ name: string } | { reason: string }> | null = null;
  return {
    torch: () => (torch ??= findTorchPython(candidates).catch((err: unknown) => {
      if (err instanceof TorchNotFoundError) return err;
      throw err;
    })),
    tfjsNode: installedTfjsNode,
    webgpu: () => (webgpu ??= hardwareAdapter()),
  };
}

/** The one-line account of a torch that will not be used, for auto's list of what was passed over. */
function torchNotFound(err: TorchNotFoundError): string {
  return `torch: no Python with PyTorch (${err.tried.map((t) => `${t.candidate.python}: ${t.reason}`).join('; ')})`;
}

export async function chooseEngine(preference: BackendPreference, probes: EngineProbes): Promise<EngineChoice> {
  if (preference !== 'auto' && preference !== 'torch') return { engine: 'tfjs', preference, passedOver: [] };
  const torch = await probes.torch();
  if (preference === 'torch') {
    return torch instanceof TorchNotFoundError
      ? { engine: 'torch', python: null, unavailable: `backend 'torch' is not available: ${torch.message}` }
      : { engine: 'torch', python: torch, reason: 'requested' };
  }
  if (torch instanceof TorchNotFoundError) return { engine: 'tfjs', preference: 'auto', passedOver: [torchNotFound(torch)] };
  if (torch.device !== 'cpu') {
    return { engine: 'torch', python: torch, reason: `auto: PyTorch has a GPU (${torch.device})` };
  }
  const onCpu = `torch: no GPU for PyTorch ${torch.torchVersion} (${torch.python}); on the CPU it comes after tensorflow and a hardware WebGPU adapter`;
  if (probes.tfjsNode()) return { engine: 'tfjs', preference: 'auto', passedOver: [onCpu] };
  const adapter = await probes.webgpu();
  if ('name' in adapter) return { engine: 'tfjs', preference: 'auto', passedOver: [onCpu] };
  return { engine: 'torch', python: torch, reason: `auto: no GPU for torch, tfjs-node not installed, ${adapter.reason}` };
}

/** A chooser for one train command: the probes of `candidates` run once, whatever the runs ask. */
export function engineChooser(candidates: readonly PythonCandidate[]): EngineChooser {
  const probes = machineProbes(candidates);
  return (preference) => chooseEngine(preference, probes);
}
