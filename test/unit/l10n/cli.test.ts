import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../support/cli';
import { EXAMPLES_DIR } from '../../support/paths';

// The CLI speaks the language of the user's locale: Chinese under LANG=zh_CN.UTF-8, English
// under LANG=C, and LC_ALL wins over LANG as in other command-line tools.

function localeEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LC_ALL;
  delete env.LC_MESSAGES;
  delete env.LANG;
  return { ...env, ...vars };
}

const lenet = path.join(EXAMPLES_DIR, 'lenet.cnn.ts');

test('summary prints its headers and totals in Chinese under LANG=zh_CN.UTF-8, in English under LANG=C', async () => {
  const zh = await runCli(['summary', lenet], { cwd: EXAMPLES_DIR, env: localeEnv({ LANG: 'zh_CN.UTF-8' }) });
  assert.equal(zh.code, 0, zh.stderr);
  assert.match(zh.stdout, /^LeNet-5（导出 default），输入 28×28×1$/m);
  assert.match(zh.stdout, /^层 +类型 +输出 +参数量 +MACs +感受野$/m);
  assert.match(zh.stdout, /^可训练参数： +61,706$/m);
  assert.doesNotMatch(zh.stdout, /Trainable params/);

  const en = await runCli(['summary', lenet], { cwd: EXAMPLES_DIR, env: localeEnv({ LANG: 'C', LC_ALL: 'C' }) });
  assert.equal(en.code, 0, en.stderr);
  assert.match(en.stdout, /^LeNet-5 \(export default\), input 28×28×1$/m);
  assert.match(en.stdout, /^Trainable params: +61,706$/m);
  assert.doesNotMatch(en.stdout, /[\u4e00-\u9fff]/);
});

test('a model error reads in Chinese under LC_ALL=zh_CN.UTF-8 even when LANG says English', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-l10n-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'broken.cnn.ts');
  fs.writeFileSync(file, "import { model, conv2d, dense } from 'cnn-explorer';\n\nexport default model('Broken', [28, 28, 1], [\n  conv2d(6, 5),\n  dense(10),\n]);\n");
  const zh = await runCli(['summary', file], { cwd: dir, env: localeEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' }) });
  assert.equal(zh.code, 1);
  assert.match(zh.stdout, /broken\.cnn\.ts:5:3: error: dense_1：输入为 24×24×6，但 dense 需要展平的输入；请在它之前加上 flatten\(\)$/m);

  const en = await runCli(['summary', file], { cwd: dir, env: localeEnv({ LANG: 'C' }) });
  assert.match(en.stdout, /broken\.cnn\.ts:5:3: error: dense_1: input is 24×24×6 but dense needs a flat input; add flatten\(\) before it$/m);
});

test("a DSL argument error, raised in the model file's sandbox, reads in Chinese under LANG=zh_CN.UTF-8, in English under LANG=C", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-l10n-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'zero.cnn.ts');
  fs.writeFileSync(file, "import { model, conv2d, flatten, dense } from 'cnn-explorer';\n\nexport default model('Zero', [28, 28, 1], [\n  conv2d(0, 5),\n  flatten(),\n  dense(10),\n]);\n");
  const zh = await runCli(['summary', file], { cwd: dir, env: localeEnv({ LANG: 'zh_CN.UTF-8' }) });
  assert.equal(zh.code, 1);
  assert.match(zh.stderr, /zero\.cnn\.ts:4:3: conv2d：filters 必须是正整数，实际为 0$/m);

  const en = await runCli(['summary', file], { cwd: dir, env: localeEnv({ LANG: 'C' }) });
  assert.equal(en.code, 1);
  assert.match(en.stderr, /zero\.cnn\.ts:4:3: conv2d: filters must be a positive integer, got 0$/m);
  assert.doesNotMatch(en.stderr, /[\u4e00-\u9fff]/);
});
