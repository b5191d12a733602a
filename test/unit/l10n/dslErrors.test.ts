import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatError, LocatedError } from '../../../src/dsl/errors';
import { loadModelFile } from '../../../src/loader/index';
import { translationsFor } from '../../../src/shared/l10n/bundles';
import { useTranslations } from '../../../src/shared/l10n/translate';

// The DSL's argument errors are raised in the model file's sandbox (a realm in the evaluation
// process), yet read in the caller's language, and follow it when it changes: the evaluation
// process, started once, is handed the table the caller uses now.

async function loadError(file: string): Promise<string> {
  try {
    await loadModelFile(file);
  } catch (err) {
    if (err instanceof LocatedError) return formatError(err).replace(`${path.dirname(file)}${path.sep}`, '');
    throw err;
  }
  assert.fail('the model file loaded');
}

test("the DSL's argument errors follow the caller's language, from one evaluation process", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-dsl-l10n-'));
  t.after(() => {
    useTranslations({}, 'en');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const file = path.join(dir, 'dup.cnn.ts');
  fs.writeFileSync(file, "import { model, conv2d, relu } from 'cnn-explorer';\n\nexport default model('Dup', [8, 8, 1], [\n  conv2d(4, 3, { name: 'c' }),\n  relu({ name: 'c' }),\n]);\n");
  const english = "dup.cnn.ts:5:3: duplicate layer name 'c' (also at line 4, column 3): names must be unique within a model";

  assert.equal(await loadError(file), english);
  useTranslations(translationsFor('zh-cn'), 'zh-cn');
  assert.equal(await loadError(file), "dup.cnn.ts:5:3: 层名 'c' 重复（第 4 行第 3 列也用了它）：同一模型内的层名必须唯一");
  useTranslations({}, 'en');
  assert.equal(await loadError(file), english);
});
