import * as vscode from 'vscode';
import { COMPARE_VIEW_TYPE, type ComparePersistedState } from '../../shared/messages';
import { ComparePanel } from './comparePanel';
import { pickRuns } from './pickRuns';
import { workspaceRunsDir } from '../runs/runsDir';

// The compare feature's registration: the "CNN: Compare Runs" command and the serializer that
// brings the panel back after a reload. The command is also how other parts open the view:
// the sidebar, on its `compareRuns { runIds }` message, runs
// `cnnExplorer.compareRuns` with `{ runIds }` (or the ids as arguments).

export const COMPARE_RUNS_COMMAND = 'cnnExplorer.compareRuns';

/** What the command may be given: ids, arrays of ids, `{ runIds, runsDir? }`, or items with an `id`/`runId`. */
export function runIdsFromArgs(args: readonly unknown[]): { runIds: string[]; runsDir: string | null } {
  const runIds: string[] = [];
  let runsDir: string | null = null;
  const visit = (a: unknown): void => {
    if (typeof a === 'string') runIds.push(a);
    else if (Array.isArray(a)) a.forEach(visit);
    else if (a && typeof a === 'object') {
      const o = a as { runIds?: unknown; runId?: unknown; id?: unknown; runsDir?: unknown };
      if (typeof o.runsDir === 'string') runsDir = o.runsDir;
      if (Array.isArray(o.runIds)) o.runIds.forEach(visit);
      else if (typeof o.runId === 'string') runIds.push(o.runId);
      else if (typeof o.id === 'string') runIds.push(o.id);
    }
  };
  args.forEach(visit);
  return { runIds: [...new Set(runIds)], runsDir };
}

export function registerCompareView(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMPARE_RUNS_COMMAND, async (...args: unknown[]) => {
      const given = runIdsFromArgs(args);
      const runsDir = given.runsDir ?? workspaceRunsDir();
      if (!runsDir) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder first: runs are stored in the workspace.'));
        return;
      }
      const runIds = given.runIds.length ? given.runIds : await pickRuns(runsDir);
      if (runIds?.length) ComparePanel.show(context, runsDir, runIds);
    }),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const saved = (state ?? {}) as Partial<ComparePersistedState>;
        const runIds = Array.isArray(saved.runIds) ? saved.runIds.filter((x): x is string => typeof x === 'string') : [];
        const runsDir = typeof saved.runsDir === 'string' ? saved.runsDir : workspaceRunsDir();
        if (!runsDir) {
          panel.dispose();
          return;
        }
        ComparePanel.revive(panel, context, runsDir, runIds);
      },
    }),
    { dispose: () => ComparePanel.disposeCurrent() },
  );
}
