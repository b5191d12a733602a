import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspaceRunsDir } from '../runs/runsDir';

// Open Run Folder: the run's folder in the OS's file manager, or in the Explorer where there is
// none (a browser VS Code).

export async function openRunFolder(runId: string | undefined): Promise<void> {
  const runsDir = workspaceRunsDir();
  if (!runsDir || !runId) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No run to open: train a model first.'));
    return;
  }
  const folder = vscode.Uri.file(path.join(runsDir, runId));
  await vscode.commands.executeCommand('revealFileInOS', folder)
    .then(undefined, () => vscode.commands.executeCommand('revealInExplorer', folder));
}
