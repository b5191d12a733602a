import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscodeTypes from 'vscode';
import * as vscode from '../../../support/fakeVscode';
import { askOverrides } from '../../../../src/extension/training/overridesWizard';

// Train Model's steps: Train as the file says, or change epochs / batch size / learning rate
// first; the values are remembered per file and offered again, and can be forgotten.

beforeEach(() => vscode.resetFakeVscode());

const file = vscode.Uri.file('/work/models/lenet.cnn.ts') as unknown as vscodeTypes.Uri;
const other = vscode.Uri.file('/work/models/vgg.cnn.ts') as unknown as vscodeTypes.Uri;
const state = () => vscode.fakeContext().workspaceState as unknown as vscodeTypes.Memento;
const asSet = (overrides: { path: string[]; value: unknown }[] | undefined) => overrides?.map((o) => `${o.path.join('.')}=${String(o.value)}`);

test('Train with the file\'s training block: no overrides, two choices offered', async () => {
  vscode.ui.answers.push('$(play) Train');
  assert.deepEqual(await askOverrides(state(), file), []);
  assert.deepEqual(vscode.ui.shown[0], {
    kind: 'quickPick', text: 'Train Model',
    items: ['$(play) Train', '$(settings) Change epochs, batch size or learning rate…'],
  });
});

test('changed values become overrides, are remembered for that file only, and offered next time', async () => {
  const memento = state();
  vscode.ui.answers.push('Change epochs', '3', '', '0.001');
  assert.deepEqual(asSet(await askOverrides(memento, file)), ['epochs=3', 'optimizer.lr=0.001']);
  assert.deepEqual(vscode.ui.shown.filter((s) => s.kind === 'inputBox').map((s) => s.text), [
    'Epochs (empty: the file\'s value)', 'Batch size (empty: the file\'s value)', 'Learning rate (empty: the file\'s value)',
  ]);

  vscode.resetFakeVscode();
  vscode.ui.answers.push('$(play) Train');
  assert.deepEqual(asSet(await askOverrides(memento, file)), ['epochs=3', 'optimizer.lr=0.001'], 'remembered');
  assert.ok(vscode.ui.shown[0]!.items.includes('$(discard) Train with the file\'s training block'), 'can be forgotten');

  vscode.resetFakeVscode();
  vscode.ui.answers.push('$(play) Train');
  assert.deepEqual(await askOverrides(memento, other), [], 'another file keeps its own');

  vscode.resetFakeVscode();
  vscode.ui.answers.push('Change epochs');
  assert.equal(await askOverrides(memento, file), undefined);
  assert.deepEqual(vscode.ui.shown[1]!.items, ['3'], 'the input box starts at the remembered value');
});

test('forgetting the overrides trains with the file\'s block and stays forgotten', async () => {
  const memento = state();
  vscode.ui.answers.push('Change epochs', '', '128', '');
  assert.deepEqual(asSet(await askOverrides(memento, file)), ['batchSize=128']);
  vscode.ui.answers.push('$(discard)');
  assert.deepEqual(await askOverrides(memento, file), []);
  vscode.ui.answers.push('$(play) Train');
  assert.deepEqual(await askOverrides(memento, file), []);
});

test('cancelling at any step starts no run and changes nothing remembered', async () => {
  const memento = state();
  assert.equal(await askOverrides(memento, file), undefined, 'the pick dismissed');
  vscode.ui.answers.push('Change epochs', '5');
  assert.equal(await askOverrides(memento, file), undefined, 'an input box dismissed');
  vscode.ui.answers.push('$(play) Train');
  assert.deepEqual(await askOverrides(memento, file), [], 'nothing was remembered');
});

test('a value that is not a positive number is refused by the input box', async () => {
  vscode.ui.answers.push('Change epochs', '-2');
  await assert.rejects(askOverrides(state(), file), /refused '-2': a positive number/);
});
