import * as vscode from 'vscode';
import type { CurrentRun } from './currentRun';

// `cnnExplorer.training`: true while the run this window follows trains. Stop Training's
// `when` clauses (palette, editor title, Shift+F5) read it, so Stop shows only when it can act.

export function trackTrainingContext(current: CurrentRun): vscode.Disposable {
  const update = () => void vscode.commands.executeCommand('setContext', 'cnnExplorer.training', current.live?.running === true);
  update();
  return current.onDidChangeLive(update);
}
