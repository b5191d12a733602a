import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadModelFile } from '../../../src/loader/index';
import { buildTfModel } from '../../../src/engine/model/index';
import { loadStateDict, modelStateDict } from '../../../src/engine/weights/stateDict';
import { initFromForModel } from '../../../src/engine/training/initFrom';
import { readWeightsFile } from '../../../src/weights/files';
import { readSafetensors } from '../../../src/weights/safetensors';
import { EXAMPLES_DIR } from '../../support/paths';
import { torchPython } from '../../support/torch';
import { runTorchScript } from '../../support/torchScript';

// torch.save files read without Python: torchvision's resnet18 state_dict goes into
// examples/resnet18.cnn.ts's model tensor for tensor (by position: the names differ), and the
// shapes of checkpoint dicts that course notes save are unwrapped.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchfile-'));
test.before(async () => { await tf.setBackend('cpu'); });

test('torchvision resnet18 saved by torch.save loads into examples/resnet18.cnn.ts: every tensor equal', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const pth = path.join(dir, 'resnet18.pth');
  const reference = path.join(dir, 'resnet18.safetensors');
  // BatchNorm's statistics and affine parameters are drawn too, so that a role swapped (mean for var) shows.
  runTorchScript(py, `
import sys, torch, torchvision
from cnn_explorer_torch.safetensors import save_file
torch.manual_seed(0)
m = torchvision.models.resnet18().eval()
with torch.no_grad():
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.weight.uniform_(0.5, 1.5); mod.bias.normal_(); mod.running_mean.normal_(); mod.running_var.uniform_(0.5, 2)
torch.save(m.state_dict(), sys.argv[1])
save_file({k: v for k, v in m.state_dict().items() if v.is_floating_point()}, sys.argv[2])
`, [pth, reference]);
  const ir = (await loadModelFile(path.join(EXAMPLES_DIR, 'resnet18.cnn.ts'))).models[0]!.model;
  const state = readWeightsFile(pth);
  assert.equal(state.size, 122 - 20 + 20); // 102 float tensors and 20 num_batches_tracked
  const model = buildTfModel(ir, { init: 'zeros' });
  const match = loadStateDict(model, ir, state);
  assert.equal(match.by, 'order');
  assert.equal(match.pairs.size, 102);
  const mine = await modelStateDict(model, ir);
  const expected = [...readSafetensors(reference).tensors.values()];
  assert.equal(mine.size, expected.length);
  let i = 0;
  for (const [key, tensor] of mine) {
    const e = expected[i++]!;
    assert.deepEqual(tensor.shape, e.shape, key);
    assert.ok(tensor.data.every((v, j) => v === e.data[j]), `${key}: values differ`);
  }
  model.dispose();
  // For the torch engine: the file's tensors under this model's keys.
  const forModel = await initFromForModel({ kind: 'file', file: pth }, ir);
  assert.deepEqual([...forModel.state.keys()], [...mine.keys()]);
  const same = (a: string, b: string) => forModel.state.get(a)!.data.every((v, j) => v === state.get(b)!.data[j]);
  assert.ok(same('fc.weight', 'fc.weight') && same('stem.conv2d_1.weight', 'conv1.weight'));
  assert.deepEqual(forModel.report.skipped, []);
});

test('checkpoint dicts, half precision, non-contiguous tensors and shared storages', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const files = ['wrapped.pt', 'model.pt', 'views.pt', 'module.pt', 'empty.pt', 'legacy.pt'].map((f) => path.join(dir, f));
  runTorchScript(py, `
import sys, argparse, torch
from collections import OrderedDict
torch.manual_seed(1)
lin = torch.nn.Linear(3, 2)
sd = lin.state_dict()
torch.save({"epoch": 7, "state_dict": sd, "optimizer": torch.optim.SGD(lin.parameters(), lr=0.1).state_dict(),
            "args": argparse.Namespace(lr=0.1), "best": 0.9}, sys.argv[1])
torch.save({"model": OrderedDict((k, v.half()) for k, v in sd.items())}, sys.argv[2])
base = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4)
torch.save(OrderedDict([("t", base.permute(2, 0, 1)), ("s", base[1, :, 1:3]), ("row", base[1, 2]),
                        ("i", torch.tensor([[1, 2], [3, 4]]).t())]), sys.argv[3])
torch.save(lin, sys.argv[4])
torch.save({"epoch": 1}, sys.argv[5])
torch.save(sd, sys.argv[6], _use_new_zipfile_serialization=False)
print(" ".join(repr(float(x)) for x in sd["weight"].flatten()))
`, files);
  const wrapped = readWeightsFile(files[0]!);
  assert.deepEqual([...wrapped.keys()], ['weight', 'bias']);
  assert.deepEqual(wrapped.get('weight')!.shape, [2, 3]);
  const half = readWeightsFile(files[1]!);
  for (const [k, v] of wrapped) {
    assert.ok(v.data.every((x, j) => Math.abs(x - half.get(k)!.data[j]!) < 2e-3), k);
  }
  const views = readWeightsFile(files[2]!);
  const base = Array.from({ length: 24 }, (_, i) => i);
  const at = (a: number, b: number, c: number) => base[a * 12 + b * 4 + c]!;
  assert.deepEqual(views.get('t')!.shape, [4, 2, 3]);
  assert.deepEqual([...views.get('t')!.data], Array.from({ length: 24 }, (_, i) => at(Math.floor(i / 3) % 2, i % 3, Math.floor(i / 6))));
  assert.deepEqual([...views.get('s')!.data], [13, 14, 17, 18, 21, 22]);
  assert.deepEqual([...views.get('row')!.data], [20, 21, 22, 23]);
  assert.deepEqual([...views.get('i')!.data], [1, 3, 2, 4]);
  assert.throws(() => readWeightsFile(files[3]!), { message: `${files[3]}: holds a pickled torch.nn.modules.linear.Linear object, not a state dict: save model.state_dict() instead (torch.save(model.state_dict(), f))` });
  assert.throws(() => readWeightsFile(files[4]!), /a dict with no tensors and none under 'state_dict'.*\(its keys: epoch\)/);
  assert.throws(() => readWeightsFile(files[5]!), new RegExp(`${files[5]}: .*PyTorch's older format`));
  const cut = path.join(dir, 'cut.pt');
  fs.writeFileSync(cut, fs.readFileSync(files[0]!).subarray(0, 300));
  assert.throws(() => readWeightsFile(cut), { message: new RegExp(`^${cut}: not a zip file, or a truncated one`) });
});
