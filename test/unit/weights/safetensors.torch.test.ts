import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSafetensors, writeSafetensors } from '../../../src/weights/safetensors';
import { torchPython } from '../../support/torch';
import { runTorchScript } from '../../support/torchScript';

// The two implementations of the format (src/weights/safetensors.ts, python/cnn_explorer_torch/
// safetensors.py) read each other's files, value for value.

test('TypeScript writes, PyTorch reads: every dtype, shape, value and the metadata', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'st-ts-')), 'ts.safetensors');
  writeSafetensors(file, new Map([
    ['w', { shape: [2, 3], data: Float32Array.from([0.1, -2, 3e-7, 1e20, -0, 5]) }],
    ['labels', { shape: [3], data: BigInt64Array.from([1n, -5n, 2n ** 40n]) }],
    ['n', { shape: [], data: Int32Array.from([-3]) }],
    ['img', { shape: [2, 2], data: Uint8Array.from([0, 1, 254, 255]) }],
    ['b', { shape: [2], data: Uint8Array.from([1, 0]), dtype: 'BOOL' as const }],
  ]), { format: 'cnn-explorer.checkpoint/1', epoch: '3' });
  const out = runTorchScript(py, `
import json, sys
from cnn_explorer_torch.safetensors import load_file, load_metadata
ts = load_file(sys.argv[1])
print(json.dumps({"meta": load_metadata(sys.argv[1]),
  "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "values": v.flatten().tolist()} for k, v in ts.items()}}))
`, [file]);
  const got = JSON.parse(out) as { meta: unknown; tensors: Record<string, { dtype: string; shape: number[]; values: unknown[] }> };
  assert.deepEqual(got.meta, { format: 'cnn-explorer.checkpoint/1', epoch: '3' });
  assert.deepEqual(Object.keys(got.tensors), ['w', 'labels', 'n', 'img', 'b']);
  assert.deepEqual(got.tensors['w'], { dtype: 'torch.float32', shape: [2, 3], values: [0.1, -2, 3e-7, 1e20, -0, 5].map(Math.fround) });
  assert.deepEqual(got.tensors['labels'], { dtype: 'torch.int64', shape: [3], values: [1, -5, 2 ** 40] });
  assert.deepEqual(got.tensors['n'], { dtype: 'torch.int32', shape: [], values: [-3] });
  assert.deepEqual(got.tensors['img'], { dtype: 'torch.uint8', shape: [2, 2], values: [0, 1, 254, 255] });
  assert.deepEqual(got.tensors['b'], { dtype: 'torch.bool', shape: [2], values: [true, false] });
});

test('PyTorch writes, TypeScript reads: float32/16, bfloat16, float64, int64/32, uint8, bool, non-contiguous', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'st-py-')), 'py.safetensors');
  const printed = runTorchScript(py, `
import sys, torch
from cnn_explorer_torch.safetensors import save_file
torch.manual_seed(0)
w = torch.randn(3, 4)
save_file({
  "w": w, "wT": w.t(), "half": torch.tensor([1.0, -2.5, 0.1], dtype=torch.float16),
  "bf": torch.tensor([1.0, -3.0, 0.15625], dtype=torch.bfloat16), "d": torch.tensor([0.1, -7.0], dtype=torch.float64),
  "i64": torch.tensor([[1, -2], [3, 2**40]]), "i32": torch.tensor([7], dtype=torch.int32),
  "u8": torch.arange(250, 256, dtype=torch.uint8), "bool": torch.tensor([True, False, True]), "empty": torch.zeros(0, 2),
}, sys.argv[1], {"format": "cnn-explorer.dataset/1"})
print(" ".join(repr(float(x)) for x in w.flatten()))
`, [file]);
  const read = readSafetensors(file);
  assert.deepEqual(read.metadata, { format: 'cnn-explorer.dataset/1' });
  const w = read.tensors.get('w')!;
  assert.deepEqual(w.shape, [3, 4]);
  assert.deepEqual([...w.data], printed.trim().split(' ').map(Number));
  const wT = read.tensors.get('wT')!;
  assert.deepEqual(wT.shape, [4, 3]);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) assert.equal(wT.data[j * 3 + i], w.data[i * 4 + j]);
  assert.deepEqual([...read.tensors.get('half')!.data], [1, -2.5, 0.0999755859375]);
  assert.deepEqual([...read.tensors.get('bf')!.data], [1, -3, 0.15625]);
  assert.deepEqual([...read.tensors.get('d')!.data], [Math.fround(0.1), -7]);
  assert.deepEqual(read.tensors.get('i64')!.data, BigInt64Array.from([1n, -2n, 3n, 2n ** 40n]));
  assert.deepEqual(read.tensors.get('i32')!.data, Int32Array.from([7]));
  assert.deepEqual([...read.tensors.get('u8')!.data], [250, 251, 252, 253, 254, 255]);
  assert.equal(read.tensors.get('bool')!.dtype, 'BOOL');
  assert.deepEqual([...read.tensors.get('bool')!.data], [1, 0, 1]);
  assert.deepEqual(read.tensors.get('empty')!.shape, [0, 2]);
});

test('the Python reader names the file and the damage, as the TypeScript one does', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'st-bad-')), 'cut.safetensors');
  writeSafetensors(file, new Map([['w', { shape: [4], data: Float32Array.from([1, 2, 3, 4]) }]]));
  fs.truncateSync(file, fs.statSync(file).size - 3);
  const out = runTorchScript(py, `
import sys
from cnn_explorer_torch.safetensors import load_file, SafetensorsError
try:
    load_file(sys.argv[1])
except SafetensorsError as e:
    print(e)
`, [file]);
  assert.equal(out.trim(), `${file}: not a valid safetensors file: tensor 'w' ends at data byte 16 but the file holds 13 bytes of data (truncated?)`);
  assert.throws(() => readSafetensors(file), { message: out.trim() });
});
