import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_RUNS_DIR } from '../../runs/store';

/** The workspace's runs folder (setting `cnnExplorer.runsDir`, relative to the first folder); null without a folder. */
export function workspaceRunsDir(): string | null {
  const setting = vscode.workspace.getConfiguration('cnnExplorer').get<string>('runsDir') || DEFAULT_RUNS_DIR;
  if (path.isAbsolute(setting)) return setting;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, setting) : null;
}
