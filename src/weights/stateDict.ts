// A state dict: tensors by PyTorch state_dict key, in PyTorch's layouts, as float32. It is what
// every weights source reads into (a checkpoint, a safetensors file, a torch.save file) and what
// a model's weights are converted to; matching one to a model's tensors happens here.
import type { StateTensor, TensorRole } from '../interop/parameters';

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

/** Key → tensor, in the source's order (matching by order relies on it). */
export type StateDict = Map<string, WeightTensor>;

export interface StateMatch {
  /** Model key → the source tensor that goes there (same shape). */
  pairs: Map<string, WeightTensor>;
  /** Model tensors left as they were, with why (only when partial). */
  skipped: { key: string; reason: string }[];
  /** How the source was matched: by state_dict key, or by position (a module whose names differ, e.g. torchvision's). */
  by: 'key' | 'order';
}

const ROLES: readonly string[] = ['weight', 'bias', 'running_mean', 'running_var'] satisfies TensorRole[];

const shapeText = (s: readonly number[]) => `[${s.join(',')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const roleOf = (key: string) => key.slice(key.lastIndexOf('.') + 1);

/** A source that does not fit the model: the message names both sides. */
class StateDictMismatchError extends Error {
  override name = 'StateDictMismatchError';
}

/**
 * Which source tensor goes to which of the model's tensors:
 * 1. by key, when the source has every key of the model (a checkpoint of either engine, an
 *    export of this model);
 * 2. else by position, when the source's tensors (integer counters such as BatchNorm's
 *    num_batches_tracked left out) have the model's roles and shapes one for one (the same
 *    architecture written with other names, e.g. torchvision's resnet18);
 * 3. else, with `partial`, by key for the tensors whose key and shape agree, keeping the others
 *    (a new head on the same backbone);
 * 4. else, with `partial`, by position when the tensors have the model's roles one for one but
 *    some shapes differ, keeping those (torchvision's ImageNet weights for a model with another
 *    head or first layer, under other names);
 * otherwise a StateDictMismatchError naming the first tensor of each side that differs.
 * With `partial`, keys that match with another shape are kept as they were rather than an error.
 */
export function matchStateDict(targets: readonly StateTensor[], source: StateDict, opts: { partial: boolean }): StateMatch {
  const entries = [...source].filter(([key]) => roleOf(key) !== 'num_batches_tracked');
  if (targets.every((t) => source.has(t.key))) {
    const pairs = new Map<string, WeightTensor>();
    const skipped: StateMatch['skipped'] = [];
    for (const t of targets) {
      const s = source.get(t.key)!;
      if (sameShape(s.shape, t.shape)) pairs.set(t.key, s);
      else if (opts.partial) skipped.push({ key: t.key, reason: `shape ${shapeText(s.shape)} there, ${shapeText(t.shape)} here` });
      else throw new StateDictMismatchError(`model ${t.key} ${shapeText(t.shape)} ≠ file ${t.key} ${shapeText(s.shape)}`);
    }
    return { pairs, skipped, by: 'key' };
  }
  const mismatch = firstMismatch(targets, entries);
  if (mismatch === null) {
    return { pairs: new Map(targets.map((t, i) => [t.key, entries[i]![1]])), skipped: [], by: 'order' };
  }
  if (opts.partial && targets.some((t) => source.has(t.key) && sameShape(source.get(t.key)!.shape, t.shape))) {
    const pairs = new Map<string, WeightTensor>();
    const skipped: StateMatch['skipped'] = [];
    for (const t of targets) {
      const s = source.get(t.key);
      if (!s) skipped.push({ key: t.key, reason: 'not in the source' });
      else if (!sameShape(s.shape, t.shape)) skipped.push({ key: t.key, reason: `shape ${shapeText(s.shape)} there, ${shapeText(t.shape)} here` });
      else pairs.set(t.key, s);
    }
    return { pairs, skipped, by: 'key' };
  }
  if (opts.partial && sameRoles(targets, entries)) {
    const pairs = new Map<string, WeightTensor>();
    const skipped: StateMatch['skipped'] = [];
    targets.forEach((t, i) => {
      const [key, s] = entries[i]!;
      if (sameShape(s.shape, t.shape)) pairs.set(t.key, s);
      else skipped.push({ key: t.key, reason: `shape ${shapeText(s.shape)} there (${key}), ${shapeText(t.shape)} here` });
    });
    if (pairs.size > 0) return { pairs, skipped, by: 'order' };
  }
  throw new StateDictMismatchError(mismatch);
}

/** Whether the source's tensors are the model's one for one by role (whatever their shapes). */
function sameRoles(targets: readonly StateTensor[], entries: [string, WeightTensor][]): boolean {
  return targets.length === entries.length && targets.every((t, i) => {
    const role = roleOf(entries[i]![0]);
    return !ROLES.includes(role) || role === t.role;
  });
}

/** Null when the source lines up with the model one for one, else what differs first. */
function firstMismatch(targets: readonly StateTensor[], entries: [string, WeightTensor][]): string | null {
  const n = Math.min(targets.length, entries.length);
  for (let i = 0; i < n; i++) {
    const t = targets[i]!;
    const [key, s] = entries[i]!;
    const role = roleOf(key);
    if ((ROLES.includes(role) && role !== t.role) || !sameShape(s.shape, t.shape)) {
      return `model ${t.key} ${shapeText(t.shape)} ≠ file ${key} ${shapeText(s.shape)}`;
    }
  }
  if (targets.length === entries.length) return null;
  const extra = targets.length > entries.length
    ? `the first without a match is the model's ${targets[n]!.key} ${shapeText(targets[n]!.shape)}`
    : `the first without a match is the file's ${entries[n]![0]} ${shapeText(entries[n]![1].shape)}`;
  return `the model has ${targets.length} tensors, the file ${entries.length} (num_batches_tracked not counted); ${extra}`;
}
