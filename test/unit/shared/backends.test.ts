import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BACKEND_NAMES, BACKEND_PREFERENCES, isBackendPreference } from '../../../src/shared/backends';
import { REPO_ROOT } from '../../support/paths';

// BACKEND_NAMES is the one list of backends: the types, the CLI's usage and its --backend check
// derive from it. package.json's cnnExplorer.backend setting cannot import it, so this test holds
// the setting to it: a new backend added to the list and not to the setting fails here.

const root = REPO_ROOT;

test("package.json's cnnExplorer.backend enum is auto followed by BACKEND_NAMES", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { enum?: string[]; default?: unknown } | undefined> } };
  };
  const setting = pkg.contributes.configuration.properties['cnnExplorer.backend'];
  assert.ok(setting, 'package.json declares cnnExplorer.backend');
  assert.deepEqual(setting.enum, ['auto', ...BACKEND_NAMES]);
  assert.deepEqual(setting.enum, [...BACKEND_PREFERENCES]);
  assert.equal(setting.default, 'auto');
});

test('a backend preference is auto or a listed name', () => {
  for (const name of BACKEND_PREFERENCES) assert.ok(isBackendPreference(name), name);
  for (const other of ['', 'Auto', 'gpu', 'tensorflow ']) assert.ok(!isBackendPreference(other), other);
});
