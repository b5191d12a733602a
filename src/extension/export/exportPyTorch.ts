import * as path from 'node:path';
import * as vscode from 'vscode';
import { pytorchModule } from '../../interop/pytorchExport';
import { pickActiveModel } from '../activeModel';
import { showLocatedError } from '../locatedErrorMessage';
import type { ModelDocuments } from '../modelDocuments';
import { pytorchFileName } from './pytorchFileName';

// CNN: Export to PyTorch — the active model file's model (asking which when it exports several)
// as a PyTorch module, saved where the user says (beside the model file by default) and opened.
// The same module `cnn-explorer export --format pytorch` writes.

export function registerExport(documents: ModelDocuments): vscode.Disposable {
  return vscode.commands.registerCommand('cnnExplorer.exportPyTorch',
    (uri?: vscode.Uri, exportName?: string) => exportPyTorch(documents, uri, exportName));
}

async function exportPyTorch(documents: ModelDocuments, uri?: vscode.Uri, exportName?: string): Promise<void> {
  const picked = await pickActiveModel(documents, uri, exportName);
  if (!picked) return;
  const { doc, model } = picked;
  // The last models that evaluated are kept while an edit breaks the file: never export those.
  const state = documents.get(doc.uri);
  if (state?.stale && state.error) return showLocatedError(state.error);
  const error = model.analysis.diagnostics.find((d) => d.severity === 'error');
  if (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot export {0}: {1}', model.model.name, error.message));
    return;
  }
  const primary = (state?.models[0]?.exportName ?? model.exportName) === model.exportName;
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(pytorchFileName(doc.fileName, model.exportName, primary)),
    filters: { Python: ['py'] },
    saveLabel: vscode.l10n.t('Export'),
    title: vscode.l10n.t('Export {0} to PyTorch', model.model.name),
  });
  if (!target) return;
  const text = pytorchModule(model, { sourceName: path.basename(doc.fileName) });
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot write {0}: {1}', vscode.workspace.asRelativePath(target), (err as Error).message));
    return;
  }
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target), { preview: false });
}
