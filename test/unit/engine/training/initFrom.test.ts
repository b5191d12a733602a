import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveInitFrom } from '../../../../src/engine/training/initFrom';

// What initFrom's value points at: a run by id, a weights file by path, or one sentence why not.

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
