import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'node:test';
import type * as vscode from 'vscode';
import { analyzeModel } from '../../../../src/analysis/index';
import { HeadBaselines } from '../../../../src/extension/archDiff/headBaseline';
import { loadModelFile } from '../../../../src/loader/index';
import { Uri } from '../../../support/fakeVscode';

// The CodeLens's deltas vs HEAD on a real repository (through the git command: VS Code's git
// extension is not there in a unit test): nothing while the file is as committed, the deltas
// once a layer changes, nothing for a file git does not know, and the deltas after all once a
// module that HEAD's version imports evaluates again.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-archdiff-head-'));
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env, encoding: 'utf8' });
const netText = (filters: number) => `import { model, conv2d, relu, flatten, dense } from 'cnn-explorer';
export default model('Net', [28, 28, 1], [conv2d(${filters}, 3), relu(), flatten(), dense(10)]);
`;

test.after(() => fs.rmSync(root, { recursive: true, force: true }));

function document(file: string, text: string, version: number): vscode.TextDocument {
  return { uri: Uri.file(file), fileName: file, version, getText: () => text } as unknown as vscode.TextDocument;
}

async function analyzed(file: string, text: string) {
  const m = (await loadModelFile(file, { text })).models[0]!;
  return { exportName: m.exportName, model: m.model, analysis: analyzeModel(m.model) };
}

/** The title once HEAD's version is known (the first ask starts the lookup and answers null). */
async function settledTitle(baselines: HeadBaselines, doc: vscode.TextDocument, text: string): Promise<string | null> {
  const after = await analyzed(doc.fileName, text);
  const known = new Promise<void>((resolve) => baselines.onDidChange(resolve));
  assert.equal(baselines.title(doc, after), null, 'not known before HEAD is read');
  await known;
  return baselines.title(doc, after);
}

test('the lens: nothing while the file is as at HEAD, the deltas once a layer changes', async () => {
  const file = path.join(root, 'net.cnn.ts');
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(file, netText(8));
  git('add', '.');
  git('commit', '-q', '-m', 'net');
  const same = new HeadBaselines();
  assert.equal(await settledTitle(same, document(file, netText(8), 1), netText(8)), null);
  same.dispose();

  const edited = new HeadBaselines();
  const title = await settledTitle(edited, document(file, netText(16), 2), netText(16));
  // conv: 8·(9+1) → 16·(9+1) params; dense: 26·26·8·10+10 → 26·26·16·10+10.
  assert.equal(title, `Δ vs HEAD: +${(80 + 54080).toLocaleString('en-US')} params · +${(26 * 26 * 8 * 9 + 26 * 26 * 8 * 10).toLocaleString('en-US')} MACs · 4 layers differ`);
  edited.dispose();
});

test('the lens: nothing for a file that was never committed', async () => {
  const file = path.join(root, 'new.cnn.ts');
  fs.writeFileSync(file, netText(8));
  const baselines = new HeadBaselines();
  assert.equal(await settledTitle(baselines, document(file, netText(16), 1), netText(16)), null);
  baselines.dispose();
});

test('the lens: HEAD\'s version that failed to evaluate is read again at the next recheck, though HEAD has not moved', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'imports-'));
  const file = path.join(dir, 'wide.cnn.ts');
  const helper = path.join(dir, 'width.ts');
  const atHead = `import { model, conv2d, relu, flatten, dense } from 'cnn-explorer';
import { WIDTH } from './width';
export default model('Wide', [28, 28, 1], [conv2d(WIDTH, 3), relu(), flatten(), dense(10)]);
`;
  // In the editor the width is written out (the import gone), twice as wide.
  const edited = `import { model, conv2d, relu, flatten, dense } from 'cnn-explorer';
export default model('Wide', [28, 28, 1], [conv2d(16, 3), relu(), flatten(), dense(10)]);
`;
  fs.writeFileSync(helper, 'export const WIDTH = 8;\n');
  fs.writeFileSync(file, atHead);
  git('add', '.');
  git('commit', '-q', '-m', 'wide');
  // The helper is mid-edit when the lens first asks: HEAD's version does not evaluate.
  fs.writeFileSync(helper, 'export const WIDTH = ;\n');
  const baselines = new HeadBaselines(0);
  const doc = document(file, edited, 1);
  assert.equal(await settledTitle(baselines, doc, edited), null, 'no lens while HEAD\'s version does not evaluate');
  fs.writeFileSync(helper, 'export const WIDTH = 8;\n');
  assert.equal(await settledTitle(baselines, doc, edited),
    `Δ vs HEAD: +${(80 + 54080).toLocaleString('en-US')} params · +${(26 * 26 * 8 * 9 + 26 * 26 * 8 * 10).toLocaleString('en-US')} MACs · 4 layers differ`);
  baselines.dispose();
});
