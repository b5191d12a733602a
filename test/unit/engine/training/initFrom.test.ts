import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveInitFrom } from '../../../../src/engine/training/initFromSource';
import { readWeightsFile } from '../../../../src/weights/files';
import { torchPython } from '../../../support/torch';
import { runTorchScript } from '../../../support/torchScript';
import { runCli } from '../../../support/cli';

// What initFrom's value points at: a run by id, a weights file by path, or one sentence why not;
// and a run started from a torch.save file through the CLI.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'initfrom-'));
const runsDir = path.join(root, 'runs');
fs.mkdirSync(path.join(runsDir, 'done', 'checkpoints', 'best'), { recursive: true });
fs.writeFileSync(path.join(runsDir, 'done', 'checkpoints', 'best', 'weights.safetensors'), '');
fs.mkdirSync(path.join(runsDir, 'old', 'checkpoints', 'best'), { recursive: true });
fs.writeFileSync(path.join(runsDir, 'old', 'checkpoints', 'best', 'model.json'), '{}');
fs.mkdirSync(path.join(runsDir, 'early', 'checkpoints'), { recursive: true });
fs.mkdirSync(path.join(root, 'models'));
fs.writeFileSync(path.join(root, 'models', 'resnet.pth'), '');
const opts = { runsDir, baseDir: path.join(root, 'models') };

const cli = (args: string[], cwd: string) => runCli(args, { cwd });

test('a run id, in either checkpoint format, or a file by path from the base folder', () => {
  assert.deepEqual(resolveInitFrom('done', opts), {
    kind: 'run', runId: 'done', runDir: path.join(runsDir, 'done'), checkpointDir: path.join(runsDir, 'done', 'checkpoints', 'best'),
  });
  assert.equal((resolveInitFrom('old', opts) as { kind: string }).kind, 'run');
  assert.deepEqual(resolveInitFrom('./resnet.pth', opts), { kind: 'file', file: path.join(root, 'models', 'resnet.pth') });
  assert.deepEqual(resolveInitFrom('resnet.pth', opts), { kind: 'file', file: path.join(root, 'models', 'resnet.pth') });
  assert.deepEqual(resolveInitFrom(path.join(root, 'models', 'resnet.pth'), { runsDir, baseDir: '/' }),
    { kind: 'file', file: path.join(root, 'models', 'resnet.pth') });
});

test('what is missing is one sentence', () => {
  assert.deepEqual(resolveInitFrom('nope', opts), { error: `initFrom: no run 'nope' in ${runsDir}` });
  assert.deepEqual(resolveInitFrom('early', opts), { error: "initFrom: run 'early' has no best checkpoint (it ended before its first epoch)" });
  assert.deepEqual(resolveInitFrom('../x/w.safetensors', opts), { error: `initFrom: no file ${path.join(root, 'x', 'w.safetensors')}` });
});

test('train --set initFrom=./file.pth: a torch.save state dict with PyTorch\'s own names seeds the run', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'initfrom-train-'));
  const modelFile = path.join(work, 'tiny.cnn.ts');
  fs.writeFileSync(modelFile, `import { model, conv2d, relu, flatten, dense } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [conv2d(4, 5, { stride: 2 }), relu(), flatten(), dense(10)]);
`);
  // An nn.Sequential of the same layers: keys 0.weight, 0.bias, 3.weight, 3.bias, none of them this model's.
  runTorchScript(py, `
import sys, torch
torch.manual_seed(3)
m = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 5, stride=2), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(576, 10))
torch.save(m.state_dict(), sys.argv[1])
`, [path.join(work, 'seed.pth')]);
  const runsDir = path.join(work, 'runs');
  const r = await cli(['train', modelFile, '--dataset', 'synthetic', '--limit-train', '100', '--limit-test', '50', '--epochs', '1',
    '--backend', 'cpu', '--runs-dir', runsDir, '--set', 'initFrom=./seed.pth', '--set', 'freeze={layers:["conv2d_1"],epochs:1}', '--json'], work);
  assert.equal(r.code, 0, r.stderr);
  const runDir = JSON.parse(r.stdout.trim().split('\n').pop()!).runDir as string;
  const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  assert.deepEqual(record.initFrom, { runId: path.join(work, 'seed.pth'), copied: 4, skipped: 0 });
  // conv2d_1 was frozen for the only epoch: it is still the file's 0.weight.
  const seeded = readWeightsFile(path.join(work, 'seed.pth')).get('0.weight')!;
  const trained = readWeightsFile(path.join(runDir, 'checkpoints', 'last', 'weights.safetensors')).get('conv2d_1.weight')!;
  assert.deepEqual(trained.shape, seeded.shape);
  assert.deepEqual(trained.data, seeded.data);

  const bad = await cli(['train', modelFile, '--dataset', 'synthetic', '--runs-dir', runsDir, '--set', 'initFrom=./nope.pth'], work);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, `--set initFrom=./nope.pth: initFrom: no file ${path.join(work, 'nope.pth')}\n`);
});
