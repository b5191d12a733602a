import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type * as vscodeTypes from 'vscode';
import * as vscode from '../../../support/fakeVscode';
import { prepareEditorRun, type EditorRunRequest } from '../../../../src/extension/training/trainCommand';
import { MLP_VS_CNN } from '../../../support/runFixtures';

// Train Model's downloads: on unless cnnExplorer.downloadDatasets is off, through VS Code's
// http.proxy and http.noProxy, as spec.json tells the trainer.

let runsDir: string;
beforeEach(() => {
  vscode.resetFakeVscode();
  vscode.settings.set('cnnExplorer.backend', 'wasm');
  runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-train-downloads-'));
});
afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

const request = (): EditorRunRequest => ({
  file: MLP_VS_CNN, exportName: 'mlp', text: fs.readFileSync(MLP_VS_CNN, 'utf8'),
  resource: vscode.Uri.file(MLP_VS_CNN) as unknown as vscodeTypes.Uri, overrides: [], runsDir,
});

test('downloads on by default, with no proxy named: the environment decides', async () => {
  const run = await prepareEditorRun(request());
  assert.equal(run?.spec.data.online, true);
  assert.deepEqual(run?.spec.data.proxy, { url: null, noProxy: [] });
});

test('the setting turns downloads off; http.proxy and http.noProxy reach spec.json', async () => {
  vscode.settings.set('cnnExplorer.downloadDatasets', false);
  vscode.settings.set('http.proxy', 'http://proxy.example:3128');
  vscode.settings.set('http.noProxy', ['localhost', '.internal.example']);
  const run = await prepareEditorRun(request());
  assert.equal(run?.spec.data.online, false);
  assert.deepEqual(run?.spec.data.proxy, { url: 'http://proxy.example:3128', noProxy: ['localhost', '.internal.example'] });
  const written = JSON.parse(fs.readFileSync(path.join(run!.spec.runDir, 'spec.json'), 'utf8')) as { data: { proxy: unknown } };
  assert.deepEqual(written.data.proxy, run?.spec.data.proxy);
});
