import type * as vscode from 'vscode';
import { COMPARE_VIEW_TYPE } from '../../shared/messages';
import { ComparePanel } from './comparePanel';
import { pickRuns } from './pickRuns';
import { registerRunsPanel } from '../runs/runsPanel';

// The compare feature's registration: the "CNN: Compare Runs" command and the serializer that
// brings the panel back after a reload. The command is also how other parts open the view:
// the sidebar, on its `compareRuns { runIds }` message, runs
// `cnnExplorer.compareRuns` with `{ runIds }` (or the ids as arguments).

export const COMPARE_RUNS_COMMAND = 'cnnExplorer.compareRuns';

export function registerCompareView(context: vscode.ExtensionContext): void {
  registerRunsPanel(context, {
    command: COMPARE_RUNS_COMMAND,
    viewType: COMPARE_VIEW_TYPE,
    pick: pickRuns,
    panel: ComparePanel,
  });
}
