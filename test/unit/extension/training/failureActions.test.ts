import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach, test } from 'node:test';
import type * as vscodeTypes from 'vscode';
import * as vscode from '../../../support/fakeVscode';
import { explainRunFailure, explainStartFailure } from '../../../../src/extension/training/failureActions';
import type { RunErrorCode, TrainResult } from '../../../../src/runs/types';

// A failed run's message offers what fixes it, chosen from the trainer's error code (not from
// the wording of the message), and always the run's folder.

beforeEach(() => vscode.resetFakeVscode());

function result(status: 'failed' | 'interrupted', errorCode: RunErrorCode | null, error: string): TrainResult {
  return {
    runId: 'r1', runDir: '/runs/r1', status, backend: null, epochs: 0, bestEpoch: null, testAccuracy: null, testLoss: null,
    perClassAccuracy: [], classNames: [], confusionMatrix: [], trainImagesPerSecond: null, wallSeconds: 1, error, errorCode, worldSize: 1,
  };
}

const model = { file: '/m/lenet.cnn.ts', exportName: 'default' };

/** The fake output channel, and the same object as the extension's code sees it. */
function outputChannel(): [ReturnType<typeof vscode.window.createOutputChannel>, vscodeTypes.OutputChannel] {
  const channel = vscode.window.createOutputChannel('CNN Explorer');
  return [channel, channel as unknown as vscodeTypes.OutputChannel];
}

async function buttons(r: TrainResult, withModel = true): Promise<string[]> {
  vscode.resetFakeVscode();
  await explainRunFailure({ result: r, location: null, model: withModel ? model : null });
  const shown = vscode.ui.shown.at(-1)!;
  assert.equal(shown.kind, 'error');
  return shown.items;
}

test('each error code offers its way out, then Open Run Folder', async () => {
  // The message says nothing about data or backends: the code alone decides.
  const cases: [RunErrorCode, string[]][] = [
    ['dataset-missing', ['Set Data Folder', 'Open Run Folder']],
    ['dataset-corrupt', ['Set Data Folder', 'Open Run Folder']],
    ['backend-unavailable', ['Pick Another Backend', 'Open Run Folder']],
    ['out-of-memory', ['Change Batch Size', 'Open Run Folder']],
    ['config-invalid', ['Open Run Folder']], // Open File only with a location
    ['model-invalid', ['Open Run Folder']],
    ['internal', ['Open Run Folder']],
  ];
  for (const [code, expected] of cases) assert.deepEqual(await buttons(result('failed', code, 'something went wrong')), expected, code);
  assert.deepEqual(await buttons(result('failed', 'out-of-memory', 'x'), false), ['Open Run Folder'], 'no model to train again');
  // A trainer that died has no code, whatever its last words.
  assert.deepEqual(await buttons(result('interrupted', null, 'the trainer exited (SIGKILL): dataset backend')), ['Open Run Folder']);
});

test('the message is the run\'s error, and each button does its job', async () => {
  vscode.ui.answers.push('Set Data Folder');
  await explainRunFailure({ result: result('failed', 'dataset-missing', '/d/cifar10: not found'), location: null, model });
  assert.equal(vscode.ui.shown[0]!.text, 'Training failed: /d/cifar10: not found');
  assert.deepEqual(vscode.commands.executed, [{ command: 'workbench.action.openSettings', args: ['cnnExplorer.dataDir'] }]);

  vscode.resetFakeVscode();
  vscode.ui.answers.push('Pick Another Backend');
  await explainRunFailure({ result: result('failed', 'backend-unavailable', "backend 'tensorflow' is not available"), location: null, model });
  assert.deepEqual(vscode.commands.executed, [{ command: 'workbench.action.openSettings', args: ['cnnExplorer.backend'] }]);

  vscode.resetFakeVscode();
  vscode.ui.answers.push('Change Batch Size');
  await explainRunFailure({ result: result('failed', 'out-of-memory', 'out of memory'), location: null, model });
  const [train] = vscode.commands.executed;
  assert.equal(train!.command, 'cnnExplorer.train');
  assert.equal((train!.args[0] as unknown as vscode.Uri).fsPath, '/m/lenet.cnn.ts');
  assert.equal(train!.args[1], 'default');

  vscode.resetFakeVscode();
  await explainRunFailure({ result: result('interrupted', null, 'the trainer exited (SIGKILL) without finishing the run'), location: null, model });
  assert.equal(vscode.ui.shown[0]!.text, 'Training was interrupted: the trainer exited (SIGKILL) without finishing the run');
});

test('the trainer\'s stderr (its stack) goes to the output channel, not the notification; Show Output opens it', async () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-failure-'));
  const stack = 'internal: TypeError: x is not a function\n    at runTrainer (/dist/trainer.js:1:2)\n';
  fs.writeFileSync(path.join(runDir, 'trainer.log'), `Warning: vkCreateInstance: Found no drivers!\n${stack}`);
  const [output, channel] = outputChannel();
  vscode.ui.answers.push('Show Output');
  await explainRunFailure({ result: { ...result('failed', 'internal', 'x is not a function'), runDir }, location: null, model, output: channel });
  const shown = vscode.ui.shown[0]!;
  assert.equal(shown.text, 'Training failed: x is not a function', 'one line: no stack in the notification');
  assert.deepEqual(shown.items, ['Show Output', 'Open Run Folder']);
  assert.ok(output.text.includes(stack), output.text);
  assert.match(output.text, /run r1 failed: x is not a function/);
  assert.equal(output.visible, true);

  // A run whose trainer wrote nothing on stderr has nothing to show.
  vscode.resetFakeVscode();
  const [quiet, quietChannel] = outputChannel();
  await explainRunFailure({ result: result('failed', 'dataset-missing', '/d: not found'), location: null, model, output: quietChannel });
  assert.deepEqual(vscode.ui.shown[0]!.items, ['Set Data Folder', 'Open Run Folder']);
  assert.equal(quiet.text, '');
});

test('Train Model failing on a bug (not the model file) shows one line and puts the stack in the output channel', async () => {
  const [output, channel] = outputChannel();
  vscode.ui.answers.push('Show Output');
  await explainStartFailure(new TypeError('boom'), channel);
  assert.equal(vscode.ui.shown[0]!.text, 'Train Model: boom');
  assert.deepEqual(vscode.ui.shown[0]!.items, ['Show Output']);
  assert.match(output.text, /TypeError: boom\n {4}at /);
  assert.equal(output.visible, true);
});

test('torch without PyTorch offers Set Python Path first, which opens cnnExplorer.pythonPath', async () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-failure-'));
  fs.writeFileSync(path.join(runDir, 'spec.json'), JSON.stringify({ backend: 'torch', torchUnavailable: "backend 'torch' is not available" }));
  const r = { ...result('failed', 'backend-unavailable', "backend 'torch' is not available: PyTorch was not found"), runDir };
  assert.deepEqual(await buttons(r), ['Set Python Path', 'Pick Another Backend', 'Open Run Folder']);
  vscode.resetFakeVscode();
  vscode.ui.answers.push('Set Python Path');
  await explainRunFailure({ result: r, location: null, model });
  assert.deepEqual(vscode.commands.executed, [{ command: 'workbench.action.openSettings', args: ['cnnExplorer.pythonPath'] }]);
  fs.rmSync(runDir, { recursive: true });
});
