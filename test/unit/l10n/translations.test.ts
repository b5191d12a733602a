import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../support/paths';

// Every user-visible string has its Simplified Chinese translation, with the same placeholders:
// the manifest's (package.nls.json → package.nls.zh-cn.json) and every message the code
// translates, found by reading the sources for `vscode.l10n.t('…')` (the extension host) and
// `tr('…')` (everywhere else); both look their English up in l10n/bundle.l10n.zh-cn.json.

type Table = Record<string, string>;

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as T;
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!).sort();
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** A string literal's value (single, double or backtick quotes without `${…}`). */
function literalValue(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (_, e: string) => {
    if (e.startsWith('u{')) return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e.startsWith('u') || e.startsWith('x')) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

interface Call { file: string; line: number; message: string | null; text: string }

/** Every `l10n.t(` and `tr(` call in the product's sources, with its message when it is one literal. */
function translatedCalls(): Call[] {
  const calls: Call[] = [];
  const call = /(?:\bl10n\.t|(?<![\w$.])tr)\(\s*/g;
  const literal = /^(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\$]|\\.|\$(?!\{))*`)(?=\s*[,)])/s;
  for (const file of [...sourceFiles('src'), ...sourceFiles('webview')]) {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
    for (const m of text.matchAll(call)) {
      const rest = text.slice(m.index + m[0].length);
      if (/^(?:message|english)\b/.test(rest) && file === path.join('src', 'shared', 'l10n', 'translate.ts')) continue;
      const lit = literal.exec(rest);
      const line = text.slice(0, m.index).split('\n').length;
      calls.push({ file, line, message: lit ? literalValue(lit[0]) : null, text: rest.slice(0, 60) });
    }
  }
  return calls;
}

test('every manifest string (package.nls.json) has a zh-cn translation with the same placeholders', () => {
  const english = readJson<Table>('package.nls.json');
  const chinese = readJson<Table>('package.nls.zh-cn.json');
  const missing = Object.keys(english).filter((k) => !chinese[k]?.trim());
  assert.deepEqual(missing, [], `package.nls.zh-cn.json lacks: ${missing.join(', ')}`);
  const extra = Object.keys(chinese).filter((k) => !(k in english));
  assert.deepEqual(extra, [], `package.nls.zh-cn.json has keys package.nls.json does not: ${extra.join(', ')}`);
  for (const [key, en] of Object.entries(english)) {
    assert.deepEqual(placeholders(chinese[key]!), placeholders(en), `placeholders of ${key}`);
  }
});

test('the manifest names its user-visible strings by %key%, each one in package.nls.json', () => {
  const manifest = fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8');
  const pkg = JSON.parse(manifest) as { contributes: Record<string, unknown> };
  const english = readJson<Table>('package.nls.json');
  const literal: string[] = [];
  // Which fields people read: titles, descriptions, names and labels anywhere in `contributes`.
  const visible = /^(?:title|shortTitle|description|markdownDescription|enumDescriptions|markdownEnumDescriptions|name|contextualTitle|label|contents|altText|deprecationMessage|markdownDeprecationMessage)$/;
  const walk = (value: unknown, where: string, field: string | null): void => {
    if (typeof value === 'string') {
      if (field !== null && visible.test(field) && !/^%[^%]+%$/.test(value) && !['CNN Explorer'].includes(value)) literal.push(`${where}: ${value}`);
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`, field && /Descriptions$/.test(field) ? field : null));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // `name` is a visible label in views only; elsewhere (task properties, plugins) it is an id.
        const isId = k === 'name' && !/^contributes\.views\./.test(where);
        walk(v, `${where}.${k}`, isId ? null : k);
      }
    }
  };
  walk(pkg.contributes, 'contributes', null);
  assert.deepEqual(literal, [], `package.json has literal strings; move them to package.nls.json as %key%:\n${literal.join('\n')}`);
  const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  const unknown = keys.filter((k) => !(k in english));
  assert.deepEqual(unknown, [], `package.json names keys package.nls.json lacks: ${unknown.join(', ')}`);
});

test('every translated message in the sources is one literal with a zh-cn translation and the same placeholders', () => {
  const bundle = readJson<Table>('l10n/bundle.l10n.zh-cn.json');
  const calls = translatedCalls();
  assert.ok(calls.length > 0, 'the scan finds the translated messages');
  const notLiteral = calls.filter((c) => c.message === null).map((c) => `${c.file}:${c.line}: ${c.text}`);
  assert.deepEqual(notLiteral, [], `a translated message must be one string literal (the bundle's key):\n${notLiteral.join('\n')}`);
  const missing = [...new Set(calls.filter((c) => !bundle[c.message!]?.trim()).map((c) => `${c.file}:${c.line}: ${JSON.stringify(c.message)}`))];
  assert.deepEqual(missing, [], `l10n/bundle.l10n.zh-cn.json lacks:\n${missing.join('\n')}`);
  for (const c of calls) {
    assert.deepEqual(placeholders(bundle[c.message!]!), placeholders(c.message!), `placeholders of ${JSON.stringify(c.message)} (${c.file}:${c.line})`);
  }
});

test('the zh-cn bundle holds only messages the sources still use', () => {
  const bundle = readJson<Table>('l10n/bundle.l10n.zh-cn.json');
  const used = new Set(translatedCalls().map((c) => c.message));
  const stale = Object.keys(bundle).filter((k) => !used.has(k));
  assert.deepEqual(stale, [], `l10n/bundle.l10n.zh-cn.json has messages no source uses:\n${stale.join('\n')}`);
});
