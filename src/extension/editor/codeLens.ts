import * as vscode from 'vscode';
import { isModelDocument, type ModelDocuments } from '../modelDocuments';
import { exportLines } from './exports';
import { sameFile } from './lookup';
import { MODEL_SELECTOR } from './vscodeRanges';

// "Graph · Summary · Train" above each exported model's `model(` call (or its export statement).
// The commands take (uri, exportName); the graph and training commands are other features'.

function actions(): [title: string, command: string][] {
  return [
    [vscode.l10n.t('Graph'), 'cnnExplorer.showGraph'],
    [vscode.l10n.t('Summary'), 'cnnExplorer.showSummary'],
    [vscode.l10n.t('Train'), 'cnnExplorer.train'],
  ];
}

export function registerCodeLens(documents: ModelDocuments): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      if (!isModelDocument(doc)) return [];
      const state = documents.get(doc.uri);
      if (!state) return [];
      const exports = exportLines(doc.getText(), doc.fileName);
      return state.models.flatMap(({ exportName, model }) => {
        // Above `model(` when it is in this file, else above the export (a helper built it).
        const own = model.source && sameFile(model.source.file, doc.fileName) ? model.source : undefined;
        const src = own ?? exports.get(exportName);
        if (!src) return [];
        const line = doc.validatePosition(new vscode.Position(src.line - 1, 0)).line;
        const range = new vscode.Range(line, 0, line, 0);
        return actions().map(([title, command]) => new vscode.CodeLens(range, {
          title,
          command,
          tooltip: vscode.l10n.t('{0}: {1} (export {2})', title, model.name, exportName),
          arguments: [doc.uri, exportName],
        }));
      });
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, provider),
    documents.onDidUpdate(() => changed.fire()),
  );
}
