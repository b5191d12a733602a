import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../../src/weights/safetensors';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'st-'));

/** A file by hand, as another writer might lay it out (header unpadded, tensors in any order). */
function handWritten(header: unknown, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

test('round trip: every dtype written comes back with its shape, values and the metadata', () => {
  const file = path.join(tmp(), 'a.safetensors');
  const tensors = new Map<string, TensorToWrite>([
    ['conv.weight', { shape: [2, 1, 2, 2], data: Float32Array.from([1, -2, 3.5, 1e-8, 0, -0, Infinity, -1e30]) }],
    ['labels', { shape: [3], data: BigInt64Array.from([0n, 9n, -(2n ** 40n)]) }],
    ['i32', { shape: [2], data: Int32Array.from([-7, 2 ** 31 - 1]) }],
    ['images', { shape: [1, 2, 2, 1], data: Uint8Array.from([0, 128, 255, 7]) }],
    ['mask', { shape: [2], data: Uint8Array.from([1, 0]), dtype: 'BOOL' }],
    ['empty', { shape: [0, 3], data: new Float32Array(0) }],
    ['scalar', { shape: [], data: Float32Array.from([42]) }],
  ]);
  writeSafetensors(file, tensors, { format: 'cnn-explorer.checkpoint/1', model: 'LeNet-5' });
  const bytes = fs.readFileSync(file);
  assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0, 'header padded to 8 bytes');
  const read = readSafetensors(file);
  assert.deepEqual(read.metadata, { format: 'cnn-explorer.checkpoint/1', model: 'LeNet-5' });
  assert.deepEqual([...read.tensors.keys()], [...tensors.keys()]);
  for (const [name, t] of tensors) {
    const r = read.tensors.get(name)!;
    assert.deepEqual(r.shape, t.shape, name);
    assert.deepEqual(r.data, t.data, name);
  }
  assert.equal(read.tensors.get('mask')!.dtype, 'BOOL');
  assert.equal(read.tensors.get('labels')!.dtype, 'I64');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['a.safetensors'], 'no temporary file left');
});

test('F16, BF16 and F64 are read as float32; offsets need not be aligned', () => {
  // F16: 1, -2, 0.5, 65504, smallest subnormal, inf; BF16: 1, -3, 0.15625; F64: 0.1, -1e300 (→ -inf in f32)
  const f16 = Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00]);
  const bf16 = Uint16Array.from([0x3f80, 0xc040, 0x3e20]);
  const f64 = Float64Array.from([0.1, -1e300]);
  const u8 = Uint8Array.from([5]);
  const data = Buffer.concat([Buffer.from(u8), Buffer.from(f16.buffer), Buffer.from(bf16.buffer), Buffer.from(f64.buffer)]);
  const header = {
    u: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
    h: { dtype: 'F16', shape: [6], data_offsets: [1, 13] },
    b: { dtype: 'BF16', shape: [3], data_offsets: [13, 19] },
    d: { dtype: 'F64', shape: [2], data_offsets: [19, 35] },
  };
  const file = path.join(tmp(), 'mixed.safetensors');
  fs.writeFileSync(file, handWritten(header, data));
  const read = readSafetensors(file).tensors;
  assert.deepEqual([...read.get('h')!.data], [1, -2, 0.5, 65504, 2 ** -24, Infinity]);
  assert.deepEqual([...read.get('b')!.data], [1, -3, 0.15625]);
  assert.deepEqual([...read.get('d')!.data], [Math.fround(0.1), -Infinity]);
  assert.ok(read.get('h')!.data instanceof Float32Array);
  assert.equal(read.get('h')!.dtype, 'F16');
});

test('a damaged file is one error naming the file and what is wrong', () => {
  const dir = tmp();
  const good = path.join(dir, 'good.safetensors');
  writeSafetensors(good, new Map([['w', { shape: [4], data: Float32Array.from([1, 2, 3, 4]) }]]));
  const bytes = fs.readFileSync(good);
  const cases: [string, Buffer, RegExp][] = [
    ['short', bytes.subarray(0, 5), /5 bytes is shorter than the 8-byte header length/],
    ['cut-header', bytes.subarray(0, 20), /the header is \d+ bytes but the file ends after 12 \(truncated\?\)/],
    ['cut-data', bytes.subarray(0, bytes.length - 3), /tensor 'w' ends at data byte 16 but the file holds 13 bytes of data \(truncated\?\)/],
    ['not-json', handWritten('x', new Uint8Array()).fill(0x7b, 8), /the header is not JSON/],
    ['dtype', handWritten({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor 'w' has dtype "C64"/],
    ['span', handWritten({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes but its data_offsets span 8/],
    ['huge', Buffer.from([255, 255, 255, 255, 255, 255, 255, 127, 0]), /over the format's limit/],
  ];
  for (const [name, content, message] of cases) {
    const file = path.join(dir, `${name}.safetensors`);
    fs.writeFileSync(file, content);
    assert.throws(() => readSafetensors(file), (err: Error) => {
      assert.match(err.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a valid safetensors file: `), name);
      assert.match(err.message, message, name);
      return true;
    });
  }
});

test('a write that fails leaves the old file and no temporary file', () => {
  const dir = tmp();
  const file = path.join(dir, 'w.safetensors');
  writeSafetensors(file, new Map([['w', { shape: [1], data: Float32Array.from([1]) }]]));
  assert.throws(() => writeSafetensors(file, new Map([['w', { shape: [2], data: Float32Array.from([1]) }]])),
    /tensor 'w': shape \[2\] holds 2 values, the data 1/);
  assert.throws(() => writeSafetensors(path.join(dir, 'missing', 'x.safetensors'), new Map()), /cannot write .*x\.safetensors/);
  assert.deepEqual([...readSafetensors(file).tensors.get('w')!.data], [1]);
  assert.deepEqual(fs.readdirSync(dir), ['w.safetensors']);
});
