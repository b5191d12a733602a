import { execFile } from 'node:child_process';

// Finding a Python that has PyTorch. PyTorch is found at run time, like tfjs-node: nothing is
// installed with CNN Explorer. Candidates come in the user's order of preference (`--python`, the
// setting cnnExplorer.pythonPath, the Python extension's interpreter, then `python3` on PATH and
// the system's /usr/bin/python3, where Debian's python3-torch lives); the first that imports a
// recent enough torch wins, and when none does the error names each one tried and why.

/** The oldest PyTorch the torch engine runs on (Debian bookworm's python3-torch). */
const MIN_TORCH = [1, 13] as const;

export interface TorchPython {
  /** The interpreter, as given (a command on PATH or a path). */
  python: string;
  torchVersion: string;
  /** torchvision's version, or null when it is not installed (only tests and weight mapping use it). */
  torchvisionVersion: string | null;
  /** 'cuda', 'mps' or 'cpu': the device the engine trains on. */
  device: 'cuda' | 'mps' | 'cpu';
  /** The GPU's name for cuda, else null. */
  deviceName: string | null;
  /** GPUs visible (cuda only; 0 elsewhere). */
  gpuCount: number;
}

export interface PythonCandidate {
  python: string;
  /** Where it came from, for messages: '--python', 'the setting cnnExplorer.pythonPath', … */
  from: string;
}

export class TorchNotFoundError extends Error {
  constructor(readonly tried: { candidate: PythonCandidate; reason: string }[]) {
    super(`PyTorch was not found: ${tried.map((t) => `${t.candidate.python} (${t.candidate.from}): ${t.reason}`).join('; ')}`
      + `. Install PyTorch ${MIN_TORCH.join('.')} or newer (https://pytorch.org/get-started/locally/, or Debian's python3-torch)`
      + ' and point CNN Explorer at its Python with --python or the setting cnnExplorer.pythonPath');
    this.name = 'TorchNotFoundError';
  }
}

/** The candidates tried after any the user named: `python3` on PATH, then the system's. */
const DEFAULT_PYTHONS: readonly PythonCandidate[] = [
  { python: 'python3', from: 'PATH' },
  { python: '/usr/bin/python3', from: 'the system Python' },
];

const PROBE = `
import json, sys
try:
    import torch
except Exception as e:
    print(json.dumps({"error": "no torch module (" + type(e).__name__ + ")"})); sys.exit(0)
try:
    import torchvision; tv = torchvision.__version__
except Exception:
    tv = None
dev, name, count = "cpu", None, 0
if torch.cuda.is_available():
    dev, name, count = "cuda", torch.cuda.get_device_name(0), torch.cuda.device_count()
elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
    dev = "mps"
print(json.dumps({"torch": torch.__version__, "torchvision": tv, "device": dev, "deviceName": name, "gpuCount": count}))
`;

interface ProbeOutput {
  error?: string;
  torch?: string;
  torchvision?: string | null;
  device?: TorchPython['device'];
  deviceName?: string | null;
  gpuCount?: number;
}

function run(python: string, timeoutMs: number): Promise<{ stdout: string; error: string | null }> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, error: null });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve({ stdout, error: 'not found' });
      if (err.killed) return resolve({ stdout, error: `did not answer within ${Math.round(timeoutMs / 1000)} s` });
      const last = stderr.trim().split('\n').at(-1) ?? '';
      resolve({ stdout, error: last || err.message.split('\n')[0]! });
    });
  });
}

function versionAtLeast(version: string, min: readonly number[]): boolean {
  const parts = version.split(/[.+]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < min.length; i++) {
    const have = parts[i] ?? 0;
    if (Number.isNaN(have) || have !== min[i]) return !Number.isNaN(have) && have > min[i]!;
  }
  return true;
}

/** Asks one interpreter about its torch; a reason instead when it cannot be used. */
async function probeTorchPython(python: string, timeoutMs = 60_000): Promise<TorchPython | { reason: string }> {
  const { stdout, error } = await run(python, timeoutMs);
  if (error) return { reason: error };
  let out: ProbeOutput;
  try {
    out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ProbeOutput;
  } catch {
    return { reason: 'did not run the probe (not a Python 3?)' };
  }
  if (out.error || !out.torch) return { reason: out.error ?? 'no torch module' };
  if (!versionAtLeast(out.torch, MIN_TORCH)) return { reason: `torch ${out.torch} is older than ${MIN_TORCH.join('.')}` };
  return {
    python, torchVersion: out.torch, torchvisionVersion: out.torchvision ?? null,
    device: out.device ?? 'cpu', deviceName: out.deviceName ?? null, gpuCount: out.gpuCount ?? 0,
  };
}

/** The first candidate with a usable torch (user's choices first, then DEFAULT_PYTHONS). */
export async function findTorchPython(candidates: readonly PythonCandidate[] = []): Promise<TorchPython> {
  const tried: { candidate: PythonCandidate; reason: string }[] = [];
  const seen = new Set<string>();
  // A Python the user named is the only one tried: falling back to another would train with
  // packages they did not choose.
  const list = candidates.length > 0 ? candidates : DEFAULT_PYTHONS;
  for (const candidate of list) {
    if (seen.has(candidate.python)) continue;
    seen.add(candidate.python);
    const found = await probeTorchPython(candidate.python);
    if (!('reason' in found)) return found;
    tried.push({ candidate, reason: found.reason });
  }
  throw new TorchNotFoundError(tried);
}
