// The training backends by name: the one list, read by the CLI's --backend flag, the trainer
// protocol's `backend` message, run.json, and the cnnExplorer.backend setting (a unit test holds
// package.json's enum to it). Names only, so that anyone can name a backend without loading one.
// Two engines train: tfjs, embedded, on the four tfjs backends; and torch, PyTorch in a Python the
// user has (docs/torch-engine.md), which is one backend name here.

/** The tfjs backends, fastest first: what the tfjs trainer chooses among. */
export const TFJS_BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

export type TfjsBackendName = (typeof TFJS_BACKEND_NAMES)[number];

/** The backends CNN Explorer can train on: PyTorch, then the tfjs ones. */
export const BACKEND_NAMES = ['torch', ...TFJS_BACKEND_NAMES] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a user may ask for: a backend by name, or `auto` (the fastest that works here). */
export const BACKEND_PREFERENCES = ['auto', ...BACKEND_NAMES] as const;

export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** What the tfjs trainer and the commands that run tfjs in their own process accept. */
export const TFJS_BACKEND_PREFERENCES = ['auto', ...TFJS_BACKEND_NAMES] as const;

export type TfjsBackendPreference = (typeof TFJS_BACKEND_PREFERENCES)[number];

export function isBackendPreference(value: string): value is BackendPreference {
  return (BACKEND_PREFERENCES as readonly string[]).includes(value);
}

// ─────────────────────── a run's backend, as headers show it ───────────────────────
// The sidebar's rows and detail, the compare view's cards and the config diff read a run's
// backend through these, so that a DDP run (docs/distributed.md) says its world the same way
// everywhere. Shapes only (run.json's `backend` and `distributed`), so nothing is loaded.

/** What the describers read of a run: run.json's `backend` and, for a DDP run, `distributed`. */
export interface RunBackendFacts {
  backend: { name: string; detail?: string } | null;
  distributed?: { worldSize: number; nnodes: number; ranks: readonly { device: string }[] };
}

/** Processes that trained the run: a DDP run's world size, else 1. */
export function runWorldSize(run: RunBackendFacts): number {
  return run.distributed?.worldSize ?? 1;
}

/** `cuda:3 (NVIDIA H100 80GB HBM3)` → kind `cuda`, name `NVIDIA H100 80GB HBM3`. */
function parseRankDevice(device: string): { kind: string; name: string | null } {
  const m = /^([A-Za-z]+)(?::\d+)?(?: \((.*)\))?$/.exec(device.trim());
  return m ? { kind: m[1]!, name: m[2] ?? null } : { kind: device.trim() || '?', name: null };
}

/** The device of a run on one process, from its backend's name and detail (null: not chosen yet or unknown). */
function singleDevice(backend: NonNullable<RunBackendFacts['backend']>): string | null {
  const detail = backend.detail ?? '';
  switch (backend.name) {
    case 'torch': {
      // The torch trainer's detail: `cuda: NVIDIA H200, torch 2.4.0`, `cpu, 2 threads, torch 1.13.1`, `mps, torch …`.
      const m = /^([A-Za-z]+)(?:: ([^,]+))?,/.exec(detail);
      if (!m) return null;
      return m[2] ? `${m[1]} (${m[2].trim()})` : m[1]!;
    }
    case 'tensorflow': return detail.includes('tfjs-node-gpu') ? 'cuda' : 'cpu';
    case 'webgpu': return detail ? `gpu (${detail})` : 'gpu';
    case 'wasm': case 'cpu': return 'cpu';
    default: return null;
  }
}

/**
 * The devices a run trained on: a DDP run's ranks grouped (`cpu ×2`, `cuda ×4 (NVIDIA H100 80GB
 * HBM3)`, `… on 2 nodes`), else its backend's device (`cpu`, `cuda (NVIDIA H200)`); null when
 * the backend is not known yet.
 */
export function runDevices(run: RunBackendFacts): string | null {
  const d = run.distributed;
  if (!d) return run.backend ? singleDevice(run.backend) : null;
  const groups = new Map<string, { kind: string; name: string | null; count: number }>();
  for (const rank of d.ranks) {
    const { kind, name } = parseRankDevice(rank.device);
    const key = `${kind}\n${name ?? ''}`;
    const group = groups.get(key) ?? { kind, name, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  // A record whose ranks were not gathered (a run that failed starting) still has its world size.
  const devices = groups.size
    ? [...groups.values()].map((g) => `${g.kind} ×${g.count}${g.name ? ` (${g.name})` : ''}`).join(', ')
    : `${d.worldSize} rank${d.worldSize === 1 ? '' : 's'}`;
  return d.nnodes > 1 ? `${devices} on ${d.nnodes} nodes` : devices;
}

/**
 * A run's backend as the headers show it: its name (`wasm`, `torch`) for a run on one process,
 * and for a DDP run also its world: `torch · cpu ×2 · DDP`, `torch · cuda ×4 (NVIDIA H100 80GB
 * HBM3) · DDP`. null until the backend is chosen.
 */
export function runBackendLabel(run: RunBackendFacts): string | null {
  if (!run.backend) return null;
  if (!run.distributed) return run.backend.name;
  return `${run.backend.name} · ${runDevices(run)} · DDP`;
}
