import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webviewPageHtml } from '../../../src/extension/webviewPage';
import { translationsFor } from '../../../src/shared/l10n/bundles';
import { tr, useTranslations } from '../../../src/shared/l10n/translate';
import { languageFromEnv } from '../../../src/cli/locale';

// The pure route: the active table translates, placeholders are filled as vscode.l10n.t fills
// them, English is the fallback, and a webview page carries the table for its script.

test('tr translates with the active table and fills positional and named placeholders', (t) => {
  t.after(() => useTranslations({}, 'en'));
  assert.equal(tr('{0} layers', 3), '3 layers');
  useTranslations(translationsFor('zh-cn'), 'zh-cn');
  assert.equal(tr('{0} layers', 3), '3 层');
  assert.equal(tr('{size} · jump {jump} · centre {centre}', { size: '5×5', jump: '1', centre: '(0, 0)' }), '5×5 · 步距 1 · 中心 (0, 0)');
  assert.equal(tr('a message no table has: {0}', 'x'), 'a message no table has: x');
});

test('a language without a table is English; Simplified Chinese is found under its other names', () => {
  assert.deepEqual(translationsFor('de'), {});
  assert.deepEqual(translationsFor('en'), {});
  assert.equal(translationsFor('zh-CN'), translationsFor('zh-cn'));
  assert.equal(translationsFor('zh-Hans'), translationsFor('zh-cn'));
  assert.deepEqual(translationsFor('zh-tw'), {});
});

test('the CLI reads its language from LC_ALL, LC_MESSAGES, then LANG', () => {
  assert.equal(languageFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh-cn');
  assert.equal(languageFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }), 'en');
  assert.equal(languageFromEnv({ LANG: 'C', LC_MESSAGES: 'zh_CN.utf8' }), 'zh-cn');
  assert.equal(languageFromEnv({ LANG: 'en_US.UTF-8' }), 'en-us');
  assert.equal(languageFromEnv({}), 'en');
});

test('a webview page carries the active table as data its script can read, and nothing in English', (t) => {
  t.after(() => useTranslations({}, 'en'));
  const resources = { cspSource: 'https://x', scriptUri: 'https://x/a.js', styleUri: 'https://x/a.css', nonce: 'n0' };
  const english = webviewPageHtml(resources, { title: 't', body: '' });
  assert.match(english, /<html lang="en">/);
  assert.doesNotMatch(english, /cnn-l10n/);

  useTranslations({ ...translationsFor('zh-cn'), '</script><b>': '<i>' }, 'zh-cn');
  const chinese = webviewPageHtml(resources, { title: 't', body: '' });
  assert.match(chinese, /<html lang="zh-cn">/);
  const block = /<script nonce="n0" type="application\/json" id="cnn-l10n">(.*?)<\/script>/s.exec(chinese);
  assert.ok(block, 'the table is in a JSON data block with the page nonce');
  assert.doesNotMatch(block[1]!, /</, 'no "<" can end the block early');
  const table = JSON.parse(block[1]!) as Record<string, string>;
  assert.equal(table['Fit'], '适应');
  assert.equal(table['</script><b>'], '<i>');
});
