import * as vscode from 'vscode';
import { HeadBaselines } from '../archDiff/headBaseline';
import { COMPARE_WITH_HEAD_COMMAND } from '../archDiff/register';
import { isModelDocument, type ModelDocuments } from '../modelDocuments';
import { exportLines } from './exports';
import { sameFile } from './lookup';
import { MODEL_SELECTOR } from './vscodeRanges';

// "Graph · Summary · Train" above each exported model's `model(` call (or its export statement).
// The commands take (uri, exportName); the graph and training commands are other features'.
// While the file's architecture differs from HEAD, a fourth lens says by how much and opens the diff.

function actions(): [title: string, command: string][] {
  return [
    [vscode.l10n.t('Graph'), 'cnnExplorer.showGraph'],
    [vscode.l10n.t('Summary'), 'cnnExplorer.showSummary'],
    [vscode.l10n.t('Train'), 'cnnExplorer.train'],
  ];
}

export function registerCodeLens(documents: ModelDocuments): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const baselines = new HeadBaselines();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      if (!isModelDocument(doc)) return [];
      const state = documents.get(doc.uri);
      if (!state) return [];
      const exports = exportLines(doc.getText(), doc.fileName);
      return state.models.flatMap(({ exportName, model, analysis }) => {
        // Above `model(` when it is in this file, else above the export (a helper built it).
        const own = model.source && sameFile(model.source.file, doc.fileName) ? model.source : undefined;
        const src = own ?? exports.get(exportName);
        if (!src) return [];
        const line = doc.validatePosition(new vscode.Position(src.line - 1, 0)).line;
        const range = new vscode.Range(line, 0, line, 0);
        const lenses = actions().map(([title, command]) => new vscode.CodeLens(range, {
          title,
          command,
          tooltip: vscode.l10n.t('{0}: {1} (export {2})', title, model.name, exportName),
          arguments: [doc.uri, exportName],
        }));
        const delta = baselines.title(doc, { exportName, model, analysis });
        if (delta) {
          lenses.push(new vscode.CodeLens(range, {
            title: delta, command: COMPARE_WITH_HEAD_COMMAND, arguments: [doc.uri, exportName],
            tooltip: vscode.l10n.t('Compare the architecture with HEAD'),
          }));
        }
        return lenses;
      });
    },
  };
  return vscode.Disposable.from(
    changed,
    baselines,
    baselines.onDidChange(() => changed.fire()),
    vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, provider),
    documents.onDidUpdate(() => changed.fire()),
  );
}
