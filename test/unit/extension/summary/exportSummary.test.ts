import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { analyzeModel } from '../../../../src/analysis/index';
import { formatSummaryAs } from '../../../../src/analysis/summaryFormats';
import type { exportSummary as ExportSummary } from '../../../../src/extension/summary/exportSummary';
import { loadModelFile } from '../../../../src/loader/index';
import * as fake from '../../../support/fakeVscode';
import { REPO_ROOT } from '../../../support/paths';

// CNN: Export Summary… against the fake `vscode` module: the user picks a format and where it
// goes, and the clipboard gets (or the file chosen in the save dialog holds) exactly the text of
// `cnn-explorer summary --format …`. The clipboard, the save dialog and the file system are the
// few parts of VS Code this needs; the fake has none, so this test adds them.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-export-summary-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const clipboard: string[] = [];
const dialogs: { defaultUri?: fake.Uri; filters?: Record<string, string[]> }[] = [];
let saveTo: fake.Uri | undefined;
// On the module's own exports object (an `import * as` is a copy), before the code under test loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
Object.assign(require('../../../support/fakeVscode') as object, { env: { clipboard: { writeText: async (text: string) => { clipboard.push(text); } } } });
Object.assign(fake.window, {
  showSaveDialog: async (options: { defaultUri?: fake.Uri; filters?: Record<string, string[]> }) => { dialogs.push(options); return saveTo; },
});
Object.assign(fake.workspace, {
  fs: { writeFile: async (uri: fake.Uri, bytes: Uint8Array) => fs.writeFileSync(uri.fsPath, bytes) },
  asRelativePath: (uri: fake.Uri) => path.relative(tmp, uri.fsPath),
});

let exportSummary: typeof ExportSummary;
before(async () => {
  ({ exportSummary } = await import('../../../../src/extension/summary/exportSummary'));
});

const LENET = path.join(REPO_ROOT, 'examples', 'lenet.cnn.ts');
const model = async () => {
  const m = (await loadModelFile(LENET)).models[0]!;
  return { ...m, analysis: analyzeModel(m.model) };
};

beforeEach(() => {
  fake.resetFakeVscode();
  clipboard.length = 0;
  dialogs.length = 0;
});

test('Markdown to the clipboard: the CLI\'s text, and a line saying so', async () => {
  const m = await model();
  fake.ui.answers.push('Markdown', 'Copy to Clipboard');
  await exportSummary(fake.Uri.file(LENET) as never, m);
  assert.deepEqual(clipboard, [formatSummaryAs(m.model, 'default', m.analysis, 'md')]);
  assert.deepEqual(fake.ui.shown.map((s) => [s.kind, s.items]), [
    ['quickPick', ['Markdown', 'CSV', 'LaTeX']],
    ['quickPick', ['Copy to Clipboard', 'Save As…']],
    ['info', []],
  ]);
  assert.equal(fake.ui.shown[2]!.text, 'Copied the summary as Markdown.');
});

test('CSV saved where the user says, named after the model file, next to it by default', async () => {
  const m = await model();
  saveTo = fake.Uri.file(path.join(tmp, 'lenet.csv'));
  fake.ui.answers.push('CSV', 'Save As…');
  await exportSummary(fake.Uri.file(LENET) as never, m);
  assert.equal(dialogs.length, 1);
  assert.equal(dialogs[0]!.defaultUri?.fsPath, path.join(REPO_ROOT, 'examples', 'lenet.summary.csv'));
  assert.deepEqual(dialogs[0]!.filters, { CSV: ['csv'] });
  assert.equal(fs.readFileSync(saveTo.fsPath, 'utf8'), formatSummaryAs(m.model, 'default', m.analysis, 'csv'));
  assert.equal(fake.ui.shown.at(-1)!.text, 'Saved the summary to lenet.csv.');
});

test('dismissing either pick exports nothing', async () => {
  const m = await model();
  await exportSummary(fake.Uri.file(LENET) as never, m);
  fake.ui.answers.push('LaTeX');
  await exportSummary(fake.Uri.file(LENET) as never, m);
  assert.deepEqual([clipboard.length, dialogs.length], [0, 0]);
});
