import * as vscode from 'vscode';
import { isModelDocument } from '../modelDocuments';

// Evaluating a model file runs its code, so nothing is evaluated in an untrusted workspace
// (ModelDocuments refuses). This says why, once per session, when a model file is opened there.

export function registerTrustNotice(): vscode.Disposable {
  let shown = false;
  const check = (doc: vscode.TextDocument): void => {
    if (shown || vscode.workspace.isTrusted || !isModelDocument(doc)) return;
    shown = true;
    const manage = vscode.l10n.t('Manage Workspace Trust');
    void vscode.window.showInformationMessage(
      vscode.l10n.t('CNN Explorer runs model files (*.cnn.ts) to show their shapes, so it shows nothing in an untrusted workspace. Trust this folder to see shapes, diagnostics and the graph.'),
      manage,
    ).then((choice) => choice === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.workspace.onDidOpenTextDocument(check);
}
