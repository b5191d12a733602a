// A weights file of either kind, as a state dict: safetensors (checkpoints of both engines,
// exports), or a PyTorch torch.save file (a state_dict, or a checkpoint dict wrapping one). The
// kind is told by the file's first bytes, not its name.
import * as fs from 'node:fs';
import { readSafetensors } from './safetensors';
import type { StateDict } from './stateDict';
import { readTorchStateDict, TorchFileError } from './torchFile';

/** Reads `file` (safetensors or torch.save) as float32 tensors by key; integer tensors are converted. */
export function readWeightsFile(file: string): StateDict {
  const head = firstBytes(file, 4);
  if (head.length === 4 && head.readUInt32LE(0) === 0x04034b50) return readTorchStateDict(file);
  if (head[0] === 0x80 && head[1] !== undefined && head[1] <= 5) {
    // A bare pickle: torch.save before PyTorch 1.6, or with _use_new_zipfile_serialization=False.
    throw new TorchFileError(`${file}: saved in PyTorch's older format (a bare pickle), which is not read: load it in PyTorch and save it again with torch.save(state_dict, f)`);
  }
  const out: StateDict = new Map();
  for (const [key, t] of readSafetensors(file).tensors) {
    out.set(key, { shape: t.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data, Number) });
  }
  return out;
}

function firstBytes(file: string, n: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(n);
    return head.subarray(0, fs.readSync(fd, head, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}
