// The safetensors format (https://github.com/huggingface/safetensors), read and written without
// its library: both engines keep checkpoints in it, and the prepared datasets the torch engine
// trains on use it too. A file is an 8-byte little-endian header length, a JSON header
// `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { str: str } }` and
// the tensors' raw little-endian bytes (offsets relative to the end of the header).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunWriteError } from '../runs/files';

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/**
 * A tensor as read: floating dtypes become Float32Array (what both engines compute in), I64
 * BigInt64Array, I32 Int32Array, I16/I8 their arrays, U8 and BOOL Uint8Array. `dtype` is the
 * file's.
 */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

/** A tensor to write: dtype follows from the array (F32, I64, I32, I16, I8, U8) unless given (BOOL for a Uint8Array). */
export interface TensorToWrite {
  shape: readonly number[];
  data: Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
  dtype?: 'BOOL';
}

export interface SafetensorsFile {
  /** In the file's order of data (the header's JSON object order is not meaningful). */
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** A file that is not a whole, valid safetensors file: the message names the file and what is wrong. */
class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  constructor(readonly file: string, what: string) {
    super(`${file}: not a valid safetensors file: ${what}`);
  }
}

/** The largest header the reference implementation accepts. */
const MAX_HEADER = 100_000_000;

interface HeaderEntry { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }

function parseHeader(file: string, bytes: Uint8Array): { entries: Map<string, HeaderEntry>; metadata: Record<string, string>; dataStart: number } {
  const fail = (what: string): never => { throw new SafetensorsError(file, what); };
  if (bytes.length < 8) fail(`${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER)) fail(`header length ${headerLength} is over the format's limit of ${MAX_HEADER} bytes`);
  const n = Number(headerLength);
  if (8 + n > bytes.length) fail(`the header is ${n} bytes but the file ends after ${bytes.length - 8} (truncated?)`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    fail(`the header is not JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('the header is not a JSON object');
  const dataLength = bytes.length - 8 - n;
  const entries = new Map<string, HeaderEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)
        || Object.values(value).some((v) => typeof v !== 'string')) fail('__metadata__ is not an object of strings');
      metadata = value as Record<string, string>;
      continue;
    }
    const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) fail(`tensor '${name}' has no description`);
    if (typeof e.dtype !== 'string' || !(e.dtype in BYTES)) fail(`tensor '${name}' has dtype ${JSON.stringify(e.dtype)} (read: ${Object.keys(BYTES).join(', ')})`);
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${name}' has shape ${JSON.stringify(e.shape)}`);
    const shape = e.shape as number[];
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
      fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (end - begin !== expected) fail(`tensor '${name}' (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but its data_offsets span ${end - begin}`);
    if (end > dataLength) fail(`tensor '${name}' ends at data byte ${end} but the file holds ${dataLength} bytes of data (truncated?)`);
    entries.set(name, { dtype, shape, begin, end });
  }
  return { entries, metadata, dataStart: 8 + n };
}

/** An IEEE half-precision value (its 16 bits) widened to a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(dtype: SafetensorsDtype, bytes: Uint8Array): SafeTensor['data'] {
  // A copy at offset 0 is aligned for every typed array (a file's offsets need not be).
  const own = new Uint8Array(bytes); // a copy (Buffer.slice would be a view of the pool)
  const buf = own.buffer;
  switch (dtype) {
    case 'F32': return new Float32Array(buf);
    case 'F64': return Float32Array.from(new Float64Array(buf));
    case 'F16': return Float32Array.from(new Uint16Array(buf), halfToFloat);
    case 'BF16': {
      const bits = new Uint32Array(own.length / 2);
      const half = new Uint16Array(buf);
      for (let i = 0; i < half.length; i++) bits[i] = half[i]! << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64': return new BigInt64Array(buf);
    case 'I32': return new Int32Array(buf);
    case 'I16': return new Int16Array(buf);
    case 'I8': return new Int8Array(buf);
    case 'U8':
    case 'BOOL': return own;
  }
}

/** Reads a whole safetensors file; anything wrong with it is one SafetensorsError. */
export function readSafetensors(file: string): SafetensorsFile {
  const bytes = fs.readFileSync(file);
  const { entries, metadata, dataStart } = parseHeader(file, bytes);
  const ordered = [...entries].sort((a, b) => a[1].begin - b[1].begin);
  const tensors = new Map<string, SafeTensor>();
  for (const [name, e] of ordered) {
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data: decode(e.dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end)) });
  }
  return { tensors, metadata };
}

function dtypeOf(name: string, t: TensorToWrite): SafetensorsDtype {
  const d = t.data;
  if (t.dtype === 'BOOL') {
    if (!(d instanceof Uint8Array)) throw new Error(`tensor '${name}': BOOL needs a Uint8Array`);
    return 'BOOL';
  }
  if (d instanceof Float32Array) return 'F32';
  if (d instanceof BigInt64Array) return 'I64';
  if (d instanceof Int32Array) return 'I32';
  if (d instanceof Int16Array) return 'I16';
  if (d instanceof Int8Array) return 'I8';
  return 'U8';
}

/**
 * Writes tensors (in the map's order) and string metadata to `file` atomically: a temporary
 * file beside it, renamed over it once complete, so a reader sees the old file or the new one.
 * Data is written tensor by tensor, never joined into one buffer (prepared datasets are large).
 */
export function writeSafetensors(file: string, tensors: ReadonlyMap<string, TensorToWrite>, metadata?: Record<string, string>): void {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  const parts: { bytes: Uint8Array }[] = [];
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new Error("a tensor cannot be named '__metadata__'");
    const dtype = dtypeOf(name, t);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor '${name}': shape [${t.shape.join(', ')}] holds ${count} values, the data ${t.data.length}`);
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    parts.push({ bytes });
  }
  // Padded with spaces to a multiple of 8, as the reference writer does, so data starts aligned.
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json, 'utf8')));

  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'w');
    writeAll(fd, head);
    writeAll(fd, Buffer.from(json, 'utf8'));
    for (const p of parts) writeAll(fd, p.bytes);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) try { fs.closeSync(fd); } catch { /* already failing */ }
    // A half-written temporary file would hold on to the space a full disk needs back.
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    if ((err as NodeJS.ErrnoException).code) throw new RunWriteError(file, err as NodeJS.ErrnoException);
    throw err;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  // Big tensors go in pieces: one write(2) of over 2 GiB is refused.
  const CHUNK = 1 << 28;
  for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, Math.min(CHUNK, bytes.length - at));
}
