// Where `initFrom` points: a run (by id), a weights file, or torchvision's published ImageNet
// weights (`torchvision:resnet18`, fetched by the trainer into the cache). Resolved by the
// starters before a trainer starts (the torch engine needs a file), so this module loads no tfjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkpointFormat } from '../../runs/checkpointFiles';
import { runPaths } from '../../runs/store';
import { isTorchvisionRef, torchvisionPin, type TorchvisionPin } from '../../weights/torchvision';

export type InitSource =
  | { kind: 'run'; runId: string; runDir: string; checkpointDir: string }
  | { kind: 'file'; file: string }
  /** Published weights, pinned; the trainer fetches them into `<cache>/torchvision/` (torchvisionWeights.ts). */
  | { kind: 'torchvision'; ref: string; pin: TorchvisionPin };

/** What `initFrom` reads as a path rather than a run id. */
const looksLikePath = (ref: string) => /[/\\]/.test(ref) || /\.(safetensors|pt|pth|bin|ckpt|tar)$/i.test(ref);

/**
 * Where `ref` points: torchvision's weights (`torchvision:<name>`), a run in `runsDir` (by id),
 * or a weights file (relative paths from `baseDir`). An error is a sentence for the config's
 * `initFrom`.
 */
export function resolveInitFrom(ref: string, opts: { runsDir: string; baseDir: string }): InitSource | { error: string } {
  if (isTorchvisionRef(ref)) {
    const pin = torchvisionPin(ref);
    return 'error' in pin ? pin : { kind: 'torchvision', ref, pin };
  }
  const file = path.resolve(opts.baseDir, ref);
  const isFile = () => { try { return fs.statSync(file).isFile(); } catch { return false; } };
  if (!looksLikePath(ref)) {
    const runDir = path.join(opts.runsDir, ref);
    if (fs.existsSync(runDir)) {
      const checkpointDir = runPaths(runDir).best;
      if (checkpointFormat(checkpointDir) === null) return { error: `initFrom: run '${ref}' has no best checkpoint (it ended before its first epoch)` };
      return { kind: 'run', runId: ref, runDir, checkpointDir };
    }
    if (isFile()) return { kind: 'file', file };
    return { error: `initFrom: no run '${ref}' in ${opts.runsDir}` };
  }
  if (!isFile()) return { error: `initFrom: no file ${file}` };
  return { kind: 'file', file };
}

