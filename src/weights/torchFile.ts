// A file written by torch.save(model.state_dict(), f) (or by torch.save of a checkpoint dict
// that wraps one under 'state_dict', 'model', 'model_state_dict' …), read without Python: the
// zip container, the pickle of the dict, and each tensor rebuilt from its storage, offset and
// strides into a contiguous float32 array.
import { PickleError, PyGlobal, PyObject, unpickle } from './pickle';
import { halfToFloat } from './safetensors';
import type { StateDict, WeightTensor } from './stateDict';
import { ZipError, ZipFile } from './torchZip';

/** A torch.save file that cannot be read as a state dict: the message names the file and why. */
export class TorchFileError extends Error {
  override name = 'TorchFileError';
}

/** Storage class → bytes per element and how to read one (little-endian). */
const STORAGES: Record<string, { bytes: number; read: (v: DataView, at: number) => number }> = {
  FloatStorage: { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  DoubleStorage: { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  HalfStorage: { bytes: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BFloat16Storage: { bytes: 2, read: (v, at) => new Float32Array(new Uint32Array([v.getUint16(at, true) << 16]).buffer)[0]! },
  LongStorage: { bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  IntStorage: { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  ShortStorage: { bytes: 2, read: (v, at) => v.getInt16(at, true) },
  CharStorage: { bytes: 1, read: (v, at) => v.getInt8(at) },
  ByteStorage: { bytes: 1, read: (v, at) => v.getUint8(at) },
  BoolStorage: { bytes: 1, read: (v, at) => v.getUint8(at) },
};


interface Storage { type: string; key: string; numel: number }

class TorchTensor implements WeightTensor {
  constructor(readonly shape: number[], readonly data: Float32Array) {}
}

/** Keys under which checkpoint dicts commonly keep the model's state dict. */
const WRAPPERS = ['state_dict', 'model_state_dict', 'model', 'net', 'model_state', 'network'];

export function readTorchStateDict(file: string): StateDict {
  try {
    return read(file);
  } catch (err) {
    if (err instanceof ZipError || err instanceof PickleError || err instanceof TorchFileError) throw err;
    throw new TorchFileError(`${file}: cannot be read as a PyTorch file (${(err as Error).message})`);
  }
}

function read(file: string): StateDict {
  const zip = new ZipFile(file);
  const pkl = [...zip.entries.keys()].find((n) => /^[^/]*\/data\.pkl$/.test(n));
  if (!pkl) throw new TorchFileError(`${file}: a zip without data.pkl, so not written by torch.save`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  if (zip.entries.has(`${prefix}byteorder`) && zip.read(`${prefix}byteorder`).toString('latin1').trim() === 'big') {
    throw new TorchFileError(`${file}: written on a big-endian machine, which is not read`);
  }
  const storages = new Map<string, DataView>();
  const storageData = (s: Storage): DataView => {
    let v = storages.get(s.key);
    if (!v) {
      const b = zip.read(`${prefix}data/${s.key}`);
      v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      storages.set(s.key, v);
    }
    return v;
  };
  const rebuild = (storage: unknown, offset: unknown, size: unknown, stride: unknown): TorchTensor => {
    const s = storage as Storage;
    const shape = (size as number[]).map(Number);
    const strides = (stride as number[]).map(Number);
    const kind = STORAGES[s.type];
    if (!kind) throw new TorchFileError(`${file}: a tensor of ${s.type}, which is not read`);
    const v = storageData(s);
    const n = shape.reduce((a, b) => a * b, 1);
    const base = Number(offset);
    const contiguous = strides.every((st, d) => shape[d] === 1 || st === shape.slice(d + 1).reduce((a, b) => a * b, 1));
    if (s.type === 'FloatStorage' && contiguous) {
      if ((base + n) * 4 > v.byteLength) throw new TorchFileError(`${file}: a tensor reads past the end of storage ${s.key}`);
      const bytes = new Uint8Array(v.buffer, v.byteOffset + base * 4, n * 4).slice();
      return new TorchTensor(shape, new Float32Array(bytes.buffer));
    }
    const out = new Float32Array(n);
    const index = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      let at = base;
      for (let d = 0; d < shape.length; d++) at += index[d]! * strides[d]!;
      if ((at + 1) * kind.bytes > v.byteLength) throw new TorchFileError(`${file}: a tensor reads past the end of storage ${s.key}`);
      out[i] = kind.read(v, at * kind.bytes);
      for (let d = shape.length - 1; d >= 0; d--) {
        if (++index[d]! < shape[d]!) break;
        index[d] = 0;
      }
    }
    return new TorchTensor(shape, out);
  };
  const top = unpickle(zip.read(pkl), `${file}: data.pkl`, {
    persistentLoad: (pid) => {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof PyGlobal)) {
        throw new TorchFileError(`${file}: a persistent id ${JSON.stringify(pid)} that is not a storage`);
      }
      return { type: pid[1].name, key: String(pid[2]), numel: Number(pid[4]) } satisfies Storage;
    },
    call: (f, args) => {
      const name = f.toString();
      if (name === 'collections.OrderedDict') return new Map();
      if (name === 'torch._utils._rebuild_tensor_v2' || name === 'torch._utils._rebuild_tensor') return rebuild(args[0], args[1], args[2], args[3]);
      if (name === 'torch._utils._rebuild_parameter' || name === 'torch._utils._rebuild_parameter_with_state') return args[0];
      return undefined;
    },
  });
  return stateDictIn(file, top);
}

function tensorsOf(value: unknown): StateDict | null {
  if (!(value instanceof Map)) return null;
  const out: StateDict = new Map();
  for (const [k, v] of value) if (typeof k === 'string' && v instanceof TorchTensor) out.set(k, v);
  return out.size > 0 ? out : null;
}

function stateDictIn(file: string, top: unknown): StateDict {
  const direct = tensorsOf(top);
  if (direct) return direct;
  if (top instanceof Map) {
    for (const key of WRAPPERS) {
      const inner = tensorsOf(top.get(key));
      if (inner) return inner;
    }
    const keys = [...top.keys()].map(String);
    throw new TorchFileError(`${file}: a dict with no tensors and none under ${WRAPPERS.map((k) => `'${k}'`).join(', ')} (its keys: ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''})`);
  }
  if (top instanceof PyObject && top.callable instanceof PyGlobal) {
    throw new TorchFileError(`${file}: holds a pickled ${top.callable.toString()} object, not a state dict: save model.state_dict() instead (torch.save(model.state_dict(), f))`);
  }
  throw new TorchFileError(`${file}: holds a ${top === null ? 'None' : typeof top}, not a state dict`);
}
