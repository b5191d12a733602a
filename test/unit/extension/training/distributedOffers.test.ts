import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type * as vscodeTypes from 'vscode';
import * as vscode from '../../../support/fakeVscode';
import { engineChooser, type EngineChoice, type EngineChooser } from '../../../../src/engine/torch/chooseEngine';
import type { TorchPython } from '../../../../src/engine/torch/python';
import { parseSetArgument } from '../../../../src/engine/training/overrides';
import { distributedOffers } from '../../../../src/extension/training/distributedOffers';
import { prepareEditorRun, type EditorRunRequest } from '../../../../src/extension/training/trainCommand';
import { MLP_VS_CNN } from '../../../support/runFixtures';
import { torchPython } from '../../../support/torch';

// Train Model on a machine whose PyTorch sees several GPUs offers one GPU or all of them (DDP);
// anywhere else it asks nothing more than before and prepares the same run. This machine has
// no GPU: its real Python is probed for the "no change" path, and a machine with four GPUs is
// described by the probe answer such a machine gives (a TorchPython), since none is here.

const H100 = 'NVIDIA H100 80GB HBM3';
const torchOn = (python: Partial<TorchPython>): EngineChoice => ({
  engine: 'torch', reason: 'requested',
  python: { python: '/usr/bin/python3', torchVersion: '2.4.0', torchvisionVersion: null, device: 'cpu', deviceName: null, gpuCount: 0, ...python },
});

test('offers: none unless torch trains with more than one CUDA GPU; then one GPU first, then all of them through DDP', () => {
  assert.deepEqual(distributedOffers({ engine: 'tfjs', preference: 'auto', passedOver: [] }), []);
  assert.deepEqual(distributedOffers({ engine: 'torch', python: null, unavailable: 'no torch' }), []);
  assert.deepEqual(distributedOffers(torchOn({ device: 'cpu', gpuCount: 0 })), [], 'the CPU');
  assert.deepEqual(distributedOffers(torchOn({ device: 'mps', gpuCount: 0 })), [], 'Apple GPUs');
  assert.deepEqual(distributedOffers(torchOn({ device: 'cuda', deviceName: H100, gpuCount: 1 })), [], 'one GPU');
  const offers = distributedOffers(torchOn({ device: 'cuda', deviceName: H100, gpuCount: 4 }));
  assert.deepEqual(offers.map((o) => [o.label, o.description, o.distributed]), [
    ['On one GPU', `cuda:0 (${H100})`, undefined],
    ['On 4 GPUs (DDP)', `cuda ×4 (${H100})`, { nprocPerNode: 4 }],
  ]);
  assert.deepEqual(distributedOffers(torchOn({ device: 'cuda', deviceName: null, gpuCount: 2 }))[1]!.distributed, { nprocPerNode: 2 });
});

let runsDir: string;
beforeEach(() => {
  vscode.resetFakeVscode();
  runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-train-gpus-'));
});
afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

const request = (over: Partial<EditorRunRequest> = {}): EditorRunRequest => ({
  file: MLP_VS_CNN, exportName: 'mlp', text: fs.readFileSync(MLP_VS_CNN, 'utf8'),
  resource: vscode.Uri.file(MLP_VS_CNN) as unknown as vscodeTypes.Uri, overrides: [], runsDir, ...over,
});
const quickPicks = () => vscode.ui.shown.filter((s) => s.kind === 'quickPick');
const runFolders = () => fs.readdirSync(runsDir).filter((n) => fs.existsSync(path.join(runsDir, n, 'spec.json')));

test('this machine (no GPU, or one): Train Model on torch asks nothing more and prepares a run on one process', async (t) => {
  const python = await torchPython(t);
  if (!python) return;
  if (python.gpuCount > 1) return t.skip(`this machine's PyTorch sees ${python.gpuCount} GPUs`);
  assert.deepEqual(distributedOffers(await engineChooser([{ python: python.python, from: 'the test' }])('torch')), []);
  // The editor's settings, the real probe of the setting's Python, the real prepareRuns.
  vscode.settings.set('cnnExplorer.backend', 'torch');
  vscode.settings.set('cnnExplorer.pythonPath', python.python);
  const run = await prepareEditorRun(request());
  assert.ok(run);
  assert.deepEqual(quickPicks(), [], 'no question about GPUs');
  assert.equal(run.spec.backend, 'torch');
  assert.equal(run.spec.torch?.python, python.python);
  assert.equal(run.spec.torch?.distributed, undefined, 'one process, as before');
  assert.equal(run.spec.torch?.threads, os.cpus().length);
});

test('a tfjs backend asks nothing and probes no Python', async () => {
  vscode.settings.set('cnnExplorer.backend', 'wasm');
  vscode.settings.set('cnnExplorer.pythonPath', '/nonexistent/python3');
  const run = await prepareEditorRun(request());
  assert.deepEqual(quickPicks(), []);
  assert.equal(run?.spec.backend, 'wasm');
  assert.equal(run?.spec.torch, undefined);
});

/** The engine a machine with four H100s chooses (its probe's answer; there is no such machine here). */
const fourGpus: EngineChooser = async () => torchOn({ device: 'cuda', deviceName: H100, gpuCount: 4 });

test('four GPUs: "On 4 GPUs (DDP)" prepares a DDP run of 4 processes; "On one GPU" the run as before', async () => {
  vscode.settings.set('cnnExplorer.backend', 'auto');
  vscode.ui.answers.push('On 4 GPUs (DDP)');
  const ddp = await prepareEditorRun(request(), fourGpus);
  assert.deepEqual(quickPicks(), [{ kind: 'quickPick', text: 'Train on one GPU or on all of them?', items: ['On one GPU', 'On 4 GPUs (DDP)'] }]);
  assert.equal(ddp?.spec.torch?.distributed?.nprocPerNode, 4);
  assert.equal(ddp?.spec.torch?.distributed?.nnodes, 1);

  vscode.resetFakeVscode();
  vscode.ui.answers.push('On one GPU');
  const one = await prepareEditorRun(request(), fourGpus);
  assert.equal(quickPicks().length, 1);
  assert.equal(one?.spec.backend, 'torch');
  assert.equal(one?.spec.torch?.distributed, undefined);
  assert.equal(runFolders().length, 2);
});

test('four GPUs: dismissing the question prepares no run; a model with an error fails before it is asked', async () => {
  assert.equal(await prepareEditorRun(request(), fourGpus), undefined);
  assert.equal(quickPicks().length, 1);
  assert.deepEqual(runFolders(), []);

  vscode.resetFakeVscode();
  vscode.ui.answers.push('On 4 GPUs (DDP)');
  await assert.rejects(prepareEditorRun(request({ overrides: [parseSetArgument('epochs=-1')] }), fourGpus));
  assert.deepEqual(quickPicks(), [], 'the error comes first');
  assert.deepEqual(runFolders(), []);
});
