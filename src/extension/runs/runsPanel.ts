import * as vscode from 'vscode';
import { workspaceRunsDir } from './runsDir';

// What every view of a set of runs registers (compare, sweep): a command that takes run ids
// from its caller (the sidebar, another view) or asks for them, and a serializer that brings
// the panel back after a reload from the ids and folder it saved.

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

/** The static side of a singleton panel class (ComparePanel, SweepPanel). */
export interface RunsPanelClass {
  show(context: vscode.ExtensionContext, runsDir: string, runIds: string[]): unknown;
  revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, runsDir: string, runIds: string[]): unknown;
  disposeCurrent(): void;
}

export interface RunsPanelKind {
  command: string;
  viewType: string;
  /** Asks for runs when the command was given none (the palette). */
  pick(runsDir: string): Promise<string[] | undefined>;
  panel: RunsPanelClass;
}

export function registerRunsPanel(context: vscode.ExtensionContext, kind: RunsPanelKind): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(kind.command, async (...args: unknown[]) => {
      const given = runIdsFromArgs(args);
      const runsDir = given.runsDir ?? workspaceRunsDir();
      if (!runsDir) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder first: runs are stored in the workspace.'));
        return;
      }
      const runIds = given.runIds.length ? given.runIds : await kind.pick(runsDir);
      if (runIds?.length) kind.panel.show(context, runsDir, runIds);
    }),
    vscode.window.registerWebviewPanelSerializer(kind.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const saved = (state ?? {}) as { runIds?: unknown; runsDir?: unknown };
        const runIds = Array.isArray(saved.runIds) ? saved.runIds.filter((x): x is string => typeof x === 'string') : [];
        const runsDir = typeof saved.runsDir === 'string' ? saved.runsDir : workspaceRunsDir();
        if (!runsDir) {
          panel.dispose();
          return;
        }
        kind.panel.revive(panel, context, runsDir, runIds);
      },
    }),
    { dispose: () => kind.panel.disposeCurrent() },
  );
}
