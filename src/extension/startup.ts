import * as vscode from 'vscode';
import { SHOW_GRAPH_COMMAND } from './graph/register';

// `npm start` opens a workspace whose settings name a model to show: open it and its graph
// once, when the window starts, so a newcomer lands on LeNet-5 beside its graph.

export function openModelOnStartup(): void {
  const relative = vscode.workspace.getConfiguration('cnnExplorer').get<string>('openOnStartup');
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!relative || !folder) return;
  const uri = vscode.Uri.joinPath(folder.uri, relative);
  void (async () => {
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand(SHOW_GRAPH_COMMAND, uri);
    } catch (err) {
      void vscode.window.showWarningMessage(vscode.l10n.t('cnnExplorer.openOnStartup: cannot open {0}: {1}', relative, String(err)));
    }
  })();
}
