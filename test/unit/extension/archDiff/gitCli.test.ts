import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'node:test';
import { analyzeModel } from '../../../../src/analysis/index';
import { gitHeadCommit, gitRevisions, gitShow } from '../../../../src/extension/archDiff/gitCli';
import { loadModelFile } from '../../../../src/loader/index';
import { mergeArchitectures } from '../../../../src/runs/archMerge';

// The git route of the architecture diff on a real repository: the older text comes from `git
// show` and is evaluated as the file at its own path, so its relative imports resolve.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-archdiff-git-'));
const repo = path.join(root, 'repo');
const models = path.join(repo, 'models');
const file = path.join(models, 'net.cnn.ts');
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' });

const netText = (filters: number, extra = '') => `import { model, conv2d, relu, flatten, dense } from 'cnn-explorer';
import { head } from './parts';
export default model('Net', [28, 28, 1], [conv2d(${filters}, 3), relu(),${extra} flatten(), ...head(10)]);
`;

test.before(() => {
  fs.mkdirSync(models, { recursive: true });
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(models, 'parts.ts'), `import { dense, relu } from 'cnn-explorer';\nexport const head = (n: number) => [dense(32), relu(), dense(n)];\n`);
  fs.writeFileSync(file, netText(8));
  git('add', '.');
  git('commit', '-q', '-m', 'first net');
  git('checkout', '-q', '-b', 'pooled');
  fs.writeFileSync(file, netText(8, ' maxPool2d(2),').replace('relu, flatten', 'relu, maxPool2d, flatten'));
  git('commit', '-q', '-am', 'pool before the head');
  git('tag', 'v-pooled');
  git('checkout', '-q', 'main');
});
test.after(() => fs.rmSync(root, { recursive: true, force: true }));

async function analyzed(text: string) {
  const loaded = await loadModelFile(file, { text });
  const m = loaded.models[0]!;
  return { exportName: m.exportName, model: m.model, analysis: analyzeModel(m.model) };
}

test('diff with HEAD: the committed text evaluates at the file\'s path (its relative import resolves) and the change shows', async () => {
  fs.writeFileSync(file, netText(16)); // the working copy: one layer changed
  const before = await gitShow(file, 'HEAD');
  assert.equal(before, netText(8));
  const { diff } = mergeArchitectures(await analyzed(before), await analyzed(fs.readFileSync(file, 'utf8')), { before: 'HEAD', after: 'working copy' });
  assert.equal(diff.layers.conv2d_1?.status, 'changed');
  assert.deepEqual(diff.layers.conv2d_1?.fields, [{ key: 'filters', from: '8', to: '16' }]);
  assert.deepEqual(diff.layers.dense_1?.params, [26 * 26 * 8 * 32 + 32, 26 * 26 * 16 * 32 + 32]);
  assert.match((await gitHeadCommit(file)) ?? '', /^[0-9a-f]{40}$/);
});

test('diff with a branch: the layer added on it is a removed one from the working copy\'s side', async () => {
  const onBranch = await gitShow(file, 'pooled');
  assert.match(onBranch, /maxPool2d\(2\)/);
  const { diff } = mergeArchitectures(await analyzed(onBranch), await analyzed(netText(8)), { before: 'pooled', after: 'working copy' });
  assert.equal(diff.layers.maxPool2d_1?.status, 'removed');
  assert.deepEqual(diff.totals.layers, [7, 6]);
});

test('revisions: branches, tags and the commits that touched the file', async () => {
  const revs = await gitRevisions(file);
  const names = revs.map((r) => `${r.kind}:${r.kind === 'commit' ? r.detail : r.ref}`);
  assert.ok(names.includes('branch:main') && names.includes('branch:pooled') && names.includes('tag:v-pooled'), names.join(', '));
  assert.ok(names.includes('commit:first net'), names.join(', '));
});

test('git failures are one line: a revision without the file, a folder outside any repository', async () => {
  await assert.rejects(gitShow(file, 'no-such-branch'), (e: Error) => !e.message.includes('\n') && /no-such-branch/.test(e.message));
  const outside = path.join(root, 'loose.cnn.ts');
  fs.writeFileSync(outside, netText(8));
  assert.equal(await gitHeadCommit(outside), null);
  await assert.rejects(gitShow(outside, 'HEAD'), /not a git repository/);
});
