import * as vscode from 'vscode';
import { isModelDocument } from '../modelDocuments';

// Evaluating a model file runs its code, so nothing is evaluated in an untrusted workspace
// (ModelDocuments refuses). This says why, once per session, when a model file is opened there.

const MANAGE = 'Manage Workspace Trust';

export function registerTrustNotice(): vscode.Disposable {
  let shown = false;
  const check = (doc: vscode.TextDocument): void => {
    if (shown || vscode.workspace.isTrusted || !isModelDocument(doc)) return;
    shown = true;
    void vscode.window.showInformationMessage(
      'CNN Explorer runs model files (*.cnn.ts) to show their shapes, so it shows nothing in an untrusted workspace. Trust this folder to see shapes, diagnostics and the graph.',
      MANAGE,
    ).then((choice) => choice === MANAGE && vscode.commands.executeCommand('workbench.trust.manage'));
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.workspace.onDidOpenTextDocument(check);
}
