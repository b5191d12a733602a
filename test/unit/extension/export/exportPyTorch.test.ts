import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach, test } from 'node:test';
import { analyzeModel } from '../../../../src/analysis/index';
import type { AnalyzedModel } from '../../../../src/analysis/types';
import { LocatedError } from '../../../../src/dsl/errors';
import { registerExport } from '../../../../src/extension/export/exportPyTorch';
import type { ModelDocuments, ModelState } from '../../../../src/extension/modelDocuments';
import { pytorchModule } from '../../../../src/interop/pytorchExport';
import { loadModelFile } from '../../../../src/loader/index';
import * as vscode from '../../../support/fakeVscode';
import { EXAMPLES_DIR } from '../../../support/paths';

// CNN: Export to PyTorch, through the editor's glue: the model asked for (Which model? when the
// file has several), a Save As dialog beside the model file, the module written and opened; a
// model with an error or a file that no longer evaluates is refused, and Cancel writes nothing.
// The fake vscode module lacks the file dialogs and documents, so this test adds what it needs.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-export-cmd-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Doc { uri: vscode.Uri; fileName: string; getText(): string }
const dialog = { asked: [] as { defaultUri: string; filters: unknown }[], answer: undefined as vscode.Uri | undefined };
const shownDocuments: string[] = [];
const docFor = (uri: vscode.Uri): Doc => ({ uri, fileName: uri.fsPath, getText: () => fs.readFileSync(uri.fsPath, 'utf8') });
Object.assign(vscode.window, {
  activeTextEditor: undefined,
  async showSaveDialog(o: { defaultUri: vscode.Uri; filters: unknown }) {
    dialog.asked.push({ defaultUri: o.defaultUri.fsPath, filters: o.filters });
    return dialog.answer;
  },
  async showTextDocument(doc: Doc) { shownDocuments.push(doc.fileName); },
});
Object.assign(vscode.workspace, {
  openTextDocument: async (uri: vscode.Uri) => docFor(uri),
  asRelativePath: (uri: vscode.Uri) => path.basename(uri.fsPath),
  fs: { writeFile: async (uri: vscode.Uri, bytes: Uint8Array) => fs.writeFileSync(uri.fsPath, bytes) },
});

/** ModelDocuments as the command uses it: the state of each file, as analysed. */
function documents(states: Map<string, ModelState>): ModelDocuments {
  const get = (uri: vscode.Uri) => states.get(uri.fsPath);
  return { get, ensure: async (doc: Doc) => get(doc.uri)! } as unknown as ModelDocuments;
}

async function analysed(file: string): Promise<AnalyzedModel[]> {
  return (await loadModelFile(file)).models.map((m) => ({ exportName: m.exportName, model: m.model, analysis: analyzeModel(m.model) }));
}

function state(file: string, models: AnalyzedModel[], extra: Partial<ModelState> = {}): ModelState {
  return { uri: vscode.Uri.file(file), version: 1, models, training: undefined, error: null, stale: false, ...extra } as unknown as ModelState;
}

async function exportCommand(docs: ModelDocuments, file: string): Promise<void> {
  registerExport(docs);
  await vscode.commands.executeCommand('cnnExplorer.exportPyTorch', vscode.Uri.file(file));
}

beforeEach(() => {
  vscode.resetFakeVscode();
  dialog.asked.length = 0;
  dialog.answer = undefined;
  shownDocuments.length = 0;
});

test('asks which model, suggests <file>.<export>.py beside the file, writes the module and opens it', async () => {
  const file = path.join(dir, 'mlp-vs-cnn.cnn.ts');
  fs.copyFileSync(path.join(EXAMPLES_DIR, 'mlp-vs-cnn.cnn.ts'), file);
  const models = await analysed(file);
  const target = path.join(dir, 'chosen.py');
  dialog.answer = vscode.Uri.file(target);
  vscode.ui.answers.push('MLP');
  await exportCommand(documents(new Map([[file, state(file, models)]])), file);
  assert.deepEqual(vscode.ui.shown.map((s) => [s.kind, s.text, s.items]), [['quickPick', 'Which model?', ['CNN', 'MLP']]]);
  assert.deepEqual(dialog.asked, [{ defaultUri: path.join(dir, 'mlp-vs-cnn.mlp.py'), filters: { Python: ['py'] } }]);
  const mlp = models.find((m) => m.exportName === 'mlp')!;
  assert.equal(fs.readFileSync(target, 'utf8'), pytorchModule(mlp, { sourceName: 'mlp-vs-cnn.cnn.ts' }));
  assert.deepEqual(shownDocuments, [target]);
});

test('a file with one model suggests <file>.py; Cancel writes nothing', async () => {
  const file = path.join(dir, 'lenet.cnn.ts');
  fs.copyFileSync(path.join(EXAMPLES_DIR, 'lenet.cnn.ts'), file);
  await exportCommand(documents(new Map([[file, state(file, await analysed(file))]])), file);
  assert.deepEqual(dialog.asked.map((a) => a.defaultUri), [path.join(dir, 'lenet.py')]);
  assert.equal(fs.existsSync(path.join(dir, 'lenet.py')), false);
  assert.deepEqual(shownDocuments, []);
  assert.deepEqual(vscode.ui.shown, []);
});

test('a model with an error, or a file that no longer evaluates, is not exported', async () => {
  const file = path.join(dir, 'broken.cnn.ts');
  fs.writeFileSync(file, "import { model, conv2d, dense } from 'cnn-explorer';\nexport default model('B', [8, 8, 1], [conv2d(2, 3), dense(2)]);\n");
  dialog.answer = vscode.Uri.file(path.join(dir, 'never.py'));
  await exportCommand(documents(new Map([[file, state(file, await analysed(file))]])), file);
  assert.deepEqual(vscode.ui.shown.map((s) => s.text), ['Cannot export B: dense_1: input is 6×6×2 but dense needs a flat input; add flatten() before it']);

  vscode.resetFakeVscode();
  const lenet = path.join(dir, 'lenet.cnn.ts');
  const error = new LocatedError('Unexpected "]"', { file: lenet, line: 3, column: 1, endLine: 3, endColumn: 2 });
  await exportCommand(documents(new Map([[lenet, state(lenet, await analysed(lenet), { stale: true, error })]])), lenet);
  assert.deepEqual(vscode.ui.shown.map((s) => [s.kind, s.text]), [['error', 'lenet.cnn.ts:3: Unexpected "]"']]);
  assert.deepEqual(dialog.asked, []);
  assert.equal(fs.existsSync(path.join(dir, 'never.py')), false);
});
