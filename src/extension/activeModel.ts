import * as vscode from 'vscode';
import type { AnalyzedModel } from '../analysis/types';
import { showLocatedError } from './locatedErrorMessage';
import { isModelDocument, type ModelDocuments } from './modelDocuments';

/** The model the user means: the active `.cnn.ts` editor's, or the one in view (asking which export when several). */
export async function pickActiveModel(documents: ModelDocuments, uri?: vscode.Uri, exportName?: string):
  Promise<{ doc: vscode.TextDocument; model: AnalyzedModel } | undefined> {
  // With no text editor active (the walkthrough or a graph in front), a model file in view is meant.
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document
    ?? vscode.window.visibleTextEditors.find((e) => isModelDocument(e.document))?.document;
  if (!doc || !isModelDocument(doc)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a model file (*.cnn.ts) first.'));
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(vscode.l10n.t('CNN Explorer evaluates model files only in a trusted workspace.'), vscode.l10n.t('Manage Workspace Trust'))
      .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
    return undefined;
  }
  const state = await documents.ensure(doc);
  if (state.error && state.models.length === 0) {
    void showLocatedError(state.error);
    return undefined;
  }
  if (state.models.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} exports no model.', vscode.workspace.asRelativePath(doc.uri)));
    return undefined;
  }
  const byName = exportName ? state.models.find((m) => m.exportName === exportName) : undefined;
  if (byName) return { doc, model: byName };
  if (state.models.length === 1) return { doc, model: state.models[0]! };
  const picked = await vscode.window.showQuickPick(
    state.models.map((m) => ({ label: m.model.name, description: vscode.l10n.t('export {0}', m.exportName), model: m })),
    { placeHolder: vscode.l10n.t('Which model?') },
  );
  return picked && { doc, model: picked.model };
}
