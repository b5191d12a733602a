import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import * as vscode from '../../../support/fakeVscode';
import { explainRunFailure } from '../../../../src/extension/training/failureActions';
import type { RunErrorCode, TrainResult } from '../../../../src/runs/types';

// A failed run's message offers what fixes it, chosen from the trainer's error code (not from
// the wording of the message), and always the run's folder.

beforeEach(() => vscode.resetFakeVscode());

function result(status: 'failed' | 'interrupted', errorCode: RunErrorCode | null, error: string): TrainResult {
  return {
    runId: 'r1', runDir: '/runs/r1', status, backend: null, epochs: 0, bestEpoch: null, testAccuracy: null, testLoss: null,
    perClassAccuracy: [], classNames: [], confusionMatrix: [], trainImagesPerSecond: null, wallSeconds: 1, error, errorCode,
  };
}

const model = { file: '/m/lenet.cnn.ts', exportName: 'default' };

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
