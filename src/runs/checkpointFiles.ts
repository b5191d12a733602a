// What a checkpoint folder holds (checkpoints/best, checkpoints/last), by name, for every reader
// and writer: the tfjs engine (src/engine/training/checkpoints.ts), the torch engine (the same
// names in python/cnn_explorer_torch/checkpoints.py), initFrom, evaluate and predict. No tfjs
// here, so that finding a checkpoint costs the editor nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The weights: PyTorch state_dict keys and layouts, in safetensors. */
export const CHECKPOINT_WEIGHTS = 'weights.safetensors';
/** The record beside the weights. */
export const CHECKPOINT_META = 'checkpoint.json';
/** The tfjs layers format of checkpoints written before safetensors (with weights.bin). */
export const OLD_CHECKPOINT_MODEL = 'model.json';

/** `__metadata__.format` of a checkpoint's weights file. */
export const CHECKPOINT_FORMAT = 'cnn-explorer.checkpoint/1';

/** What we record beside the weights. */
export interface CheckpointMeta {
  epoch: number;
  savedAt: string;
  [key: string]: unknown;
}

/** Which format `dir` holds, or null when it holds no checkpoint. */
export function checkpointFormat(dir: string): 'safetensors' | 'tfjs' | null {
  if (fs.existsSync(path.join(dir, CHECKPOINT_WEIGHTS))) return 'safetensors';
  if (fs.existsSync(path.join(dir, OLD_CHECKPOINT_MODEL))) return 'tfjs';
  return null;
}

export function readCheckpointMeta(dir: string): CheckpointMeta | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_META), 'utf8')) as CheckpointMeta;
  } catch {
    return null;
  }
}
