import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelIR } from '../../../../src/dsl/ir';
import { analyzeModel } from '../../../../src/analysis/index';
import { stateTensors } from '../../../../src/interop/parameters';
import { loadModelFile } from '../../../../src/loader/index';
import { buildTfModel } from '../../../../src/engine/model/index';
import { loadStateDict, modelStateDict } from '../../../../src/engine/weights/stateDict';
import type { StateDict } from '../../../../src/weights/stateDict';
import { writeSafetensors } from '../../../../src/weights/safetensors';
import { torchPython } from '../../../support/torch';
import { runTorchScript } from '../../../support/torchScript';

// tfjs layouts ↔ PyTorch's: the same weights give the same outputs in a PyTorch module written
// by hand, through every conversion (HWIO → OIHW, grouped and depthwise kernels, dense [in, out]
// → [out, in] after a flatten of a 3×3×8 tensor, batchNorm on flat features after it).

const MIX = `import { model, conv2d, depthwiseConv2d, batchNorm, relu, flatten, dense, dropout } from 'cnn-explorer';
export default model('Mix', [7, 7, 4], [
  conv2d(6, 3, { padding: 1 }), batchNorm(), relu(),
  depthwiseConv2d(3, { multiplier: 2, stride: 2 }),
  conv2d(8, 1, { groups: 4 }), relu(),
  flatten(), dense(7), batchNorm(), dropout(0.5), dense(4),
]);
`;

const TORCH_MIX = `
import json, sys, torch
from torch import nn
from cnn_explorer_torch.safetensors import load_file
torch.set_num_threads(1)
m = nn.Sequential(
    nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
    nn.Conv2d(6, 12, 3, stride=2, groups=6),
    nn.Conv2d(12, 8, 1, groups=4), nn.ReLU(),
    nn.Flatten(), nn.Linear(72, 7), nn.BatchNorm1d(7), nn.Dropout(0.5), nn.Linear(7, 4),
).eval()
f = load_file(sys.argv[1])
x = f.pop("x").permute(0, 3, 1, 2)
mine = [k for k in m.state_dict() if not k.endswith("num_batches_tracked")]
assert len(mine) == len(f), (mine, list(f))
m.load_state_dict({k: v for k, v in zip(mine, f.values())}, strict=False)
with torch.no_grad():
    print(json.dumps(m(x).flatten().tolist()))
`;

let ir: ModelIR;
test.before(async () => {
  await tf.setBackend('cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-'));
  fs.writeFileSync(path.join(dir, 'mix.cnn.ts'), MIX);
  ir = (await loadModelFile(path.join(dir, 'mix.cnn.ts'))).models[0]!.model;
});

/** Seeded values in PyTorch layout for every tensor of the model; variances positive. */
function randomState(model: ModelIR, seed: number): StateDict {
  let s = seed >>> 0;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
  const out: StateDict = new Map();
  for (const t of stateTensors(model, analyzeModel(model))) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, () => (t.role === 'running_var' ? 0.5 + next() : next()));
    out.set(t.key, { shape: t.shape, data });
  }
  return out;
}

test('a state dict written into a tfjs model reads back the same, key for key', async () => {
  const model = buildTfModel(ir, { seed: 1 });
  const state = randomState(ir, 7);
  const match = loadStateDict(model, ir, state);
  assert.equal(match.by, 'key');
  assert.equal(match.pairs.size, state.size);
  const back = await modelStateDict(model, ir);
  assert.deepEqual([...back.keys()], [...state.keys()]);
  for (const [key, t] of state) assert.deepEqual(back.get(key), t, key);
  // Not an identity in tfjs layout: the conv kernel really is stored HWIO.
  const kernel = model.getLayer('conv2d_1').weights[0]!;
  assert.deepEqual(kernel.shape, [3, 3, 4, 6]);
  assert.equal(kernel.read().dataSync()[1], state.get('conv2d_1.weight')!.data[1 * 4 * 9]);
  model.dispose();
});

test('the converted weights give PyTorch the tfjs model\'s outputs', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const model = buildTfModel(ir, { seed: 1 });
  const state = randomState(ir, 11);
  loadStateDict(model, ir, state);
  const x = tf.randomUniform([2, 7, 7, 4], -1, 1, 'float32', 5);
  const y = (model.apply(x, { training: false }) as tf.Tensor).dataSync();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sd-torch-')), 'mix.safetensors');
  const tensors = new Map([...await modelStateDict(model, ir)].map(([k, v]) => [k, v] as const));
  writeSafetensors(file, new Map([...tensors, ['x', { shape: [2, 7, 7, 4], data: x.dataSync() as Float32Array }]]));
  const got = JSON.parse(runTorchScript(py, TORCH_MIX, [file])) as number[];
  assert.equal(got.length, y.length);
  const worst = Math.max(...got.map((v, i) => Math.abs(v - y[i]!)));
  assert.ok(worst < 1e-4, `outputs differ by up to ${worst}: torch ${got.slice(0, 4).join(', ')} tfjs ${[...y.slice(0, 4)].join(', ')}`);
  model.dispose();
  x.dispose();
});
