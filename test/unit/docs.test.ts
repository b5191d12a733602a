import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/paths';

// The repository's Markdown documents are read by people who cloned it and nothing else: every
// relative link must reach a file (and heading) inside the repository. A link into the
// workspace around it (../shared/…) works on the machine that wrote it and nowhere else.

const ROOT = REPO_ROOT;

/** README.md, docs/*.md and bench/*.md: the documents a newcomer reads. */
function documents(): string[] {
  const inFolder = (dir: string) => {
    const full = path.join(ROOT, dir);
    return fs.existsSync(full) ? fs.readdirSync(full).filter((f) => f.endsWith('.md')).map((f) => path.join(full, f)) : [];
  };
  return [path.join(ROOT, 'README.md'), ...inFolder('docs'), ...inFolder('bench')];
}

/** A fenced code block (indented up to three spaces, as in a list item). */
const FENCED = /^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm;

/** The text without fenced code blocks and code spans, where `[a](b)` is code, not a link. */
function prose(markdown: string): string {
  return markdown
    .replace(FENCED, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
}

/** Targets of inline links and images `[text](target "title")` and of reference definitions `[id]: target`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^)]*["'])?\s*\)/g)].map((m) => m[1]!);
  const references = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(FENCED, '');
  for (const m of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) && !/^file:/i.test(target);

/** What is wrong with one link of `doc`, or null when it is fine. */
function problem(doc: string, target: string): string | null {
  if (isExternal(target)) return null;
  if (/^file:/i.test(target) || target.startsWith('/')) return 'an absolute path (it exists only on one machine)';
  const [filePart, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = filePart === '' ? doc : path.resolve(path.dirname(doc), decodeURIComponent(filePart));
  const inside = path.relative(ROOT, file);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return 'outside the repository';
  if (!fs.existsSync(file)) return 'no such file';
  if (anchor !== undefined && file.endsWith('.md') && !anchors(fs.readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
    return `no heading #${anchor} in ${path.relative(ROOT, file)}`;
  }
  return null;
}

test('every relative link in README.md, docs/ and bench/ reaches a file and heading inside the repository', () => {
  const broken: string[] = [];
  for (const doc of documents()) {
    for (const target of linkTargets(fs.readFileSync(doc, 'utf8'))) {
      const why = problem(doc, target);
      if (why) broken.push(`${path.relative(ROOT, doc)}: (${target}): ${why}`);
    }
  }
  assert.deepEqual(broken, []);
});

/** Repository paths named in code spans (`src/engine/data/`, `test/unit/docs.test.ts`), globs left out. */
function mentionedPaths(markdown: string): string[] {
  const spans = [...markdown.replace(FENCED, '').matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  return spans.filter((s) => /^(src|test|webview|bench|scripts|examples|docs|media)\//.test(s) && !/[*{}<>]/.test(s));
}

test('every repository path a document names in code exists (files move; the docs must follow)', () => {
  const stale: string[] = [];
  for (const doc of documents()) {
    for (const mentioned of mentionedPaths(fs.readFileSync(doc, 'utf8'))) {
      if (!fs.existsSync(path.join(ROOT, mentioned.split('#')[0]!))) stale.push(`${path.relative(ROOT, doc)}: ${mentioned}`);
    }
  }
  assert.deepEqual(stale, []);
});

test('no document sends readers to the workspace around the repository', () => {
  const offenders = documents().filter((doc) => fs.readFileSync(doc, 'utf8').includes('../shared/'));
  assert.deepEqual(offenders.map((d) => path.relative(ROOT, d)), []);
});

test('the link checker finds links, skips code, and knows broken ones', () => {
  const text = '[a](docs/dsl.md) `[b](nowhere.md)`\n```\n[c](nowhere.md)\n```\n[d]: ../shared/x.md\n![e](media/cnn.svg "icon")';
  assert.deepEqual(linkTargets(text), ['docs/dsl.md', 'media/cnn.svg', '../shared/x.md']);
  const readme = path.join(ROOT, 'README.md');
  assert.equal(problem(readme, 'docs/dsl.md#the-training-block'), null);
  assert.equal(problem(readme, 'https://pytorch.org/docs'), null);
  assert.equal(problem(readme, '../shared/design/dsl.md'), 'outside the repository');
  assert.equal(problem(readme, 'docs/none.md'), 'no such file');
  assert.match(problem(readme, 'docs/dsl.md#no-such-heading') ?? '', /no heading/);
  assert.deepEqual([...anchors('# A `b` (c)\n## A b c\n### Résumé — two')], ['a-b-c', 'a-b-c-1', 'résumé--two']);
  assert.deepEqual(mentionedPaths('`src/dsl/` and `dist/cli.js`, `webview/*.js`, `a b`\n```\n`test/x.ts`\n```'), ['src/dsl/']);
});
