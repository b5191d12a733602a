import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import * as vscode from '../../../support/fakeVscode';
import { pythonCandidates } from '../../../../src/extension/training/pythonCandidates';

// Which Python the editor's torch runs try: the setting cnnExplorer.pythonPath, else the
// interpreter selected in the Python extension (through its public API, as
// @vscode/python-extension reaches it), else none (the engine's defaults).

beforeEach(() => vscode.resetFakeVscode());

/** The Python extension with `active` as its selected environment, resolving to `executable`. */
function pythonExtension(active: string, executable: string | null, activated: string[]): void {
  const exports = {
    environments: {
      getActiveEnvironmentPath: () => ({ id: active, path: active }),
      resolveEnvironment: async (env: { path: string }) => (env.path === active
        ? { executable: { uri: executable === null ? undefined : vscode.Uri.file(executable) } } : undefined),
    },
  };
  vscode.installedExtensions.set('ms-python.python', { isActive: false, activate: async () => { activated.push('ms-python.python'); return exports; }, exports });
}

test('the setting comes first, and then the Python extension is not asked', async () => {
  const activated: string[] = [];
  pythonExtension('/venv', '/venv/bin/python', activated);
  vscode.settings.set('cnnExplorer.pythonPath', ' /opt/conda/bin/python ');
  assert.deepEqual(await pythonCandidates(undefined), [{ python: '/opt/conda/bin/python', from: 'the setting cnnExplorer.pythonPath' }]);
  assert.deepEqual(activated, []);
});

test("without the setting, the Python extension's selected interpreter, resolved to its executable", async () => {
  const activated: string[] = [];
  pythonExtension('/work/.venv', '/work/.venv/bin/python', activated);
  assert.deepEqual(await pythonCandidates(undefined), [{ python: '/work/.venv/bin/python', from: "the Python extension's selected interpreter" }]);
  assert.deepEqual(activated, ['ms-python.python'], 'woken to be asked');
});

test('an environment without an executable is named by its path', async () => {
  pythonExtension('/usr/bin/python3', null, []);
  assert.deepEqual(await pythonCandidates(undefined), [{ python: '/usr/bin/python3', from: "the Python extension's selected interpreter" }]);
});

test('neither the setting nor the Python extension: no candidate (the engine tries python3 and the system Python)', async () => {
  assert.deepEqual(await pythonCandidates(undefined), []);
  vscode.installedExtensions.set('ms-python.python', { isActive: false, activate: async () => { throw new Error('activation failed'); }, exports: undefined });
  assert.deepEqual(await pythonCandidates(undefined), [], 'a Python extension that fails is passed over');
});
