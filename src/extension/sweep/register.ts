import * as vscode from 'vscode';
import { listRuns } from '../../runs/store';
import { SWEEP_VIEW_TYPE } from '../../shared/messages';
import { registerRunsPanel } from '../runs/runsPanel';
import { SweepPanel } from './sweepPanel';

// "CNN: Show Runs as a Sweep": the given runs (ids, `{ runIds, runsDir? }`: the sidebar's
// selection), or, from the palette, all runs of the workspace or of one model, picked from a
// list. The serializer brings the panel back after a reload.

export const SHOW_SWEEP_COMMAND = 'cnnExplorer.showSweep';

interface ScopeItem extends vscode.QuickPickItem {
  runIds: string[];
}

/** All runs, then the runs of each model (runs of a model are a sweep's usual scope). */
async function pickScope(runsDir: string): Promise<string[] | undefined> {
  const runs = listRuns(runsDir).filter((r) => r.record);
  if (!runs.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No runs in {0} yet: train a model first.', vscode.workspace.asRelativePath(runsDir)));
    return undefined;
  }
  const byModel = new Map<string, string[]>();
  for (const r of runs) {
    const name = r.record!.model.name;
    byModel.set(name, [...(byModel.get(name) ?? []), r.id]);
  }
  const items: ScopeItem[] = [
    { label: vscode.l10n.t('All runs'), description: vscode.l10n.t('{0} runs', runs.length), runIds: runs.map((r) => r.id) },
    ...[...byModel].map(([name, ids]) => ({ label: name, description: vscode.l10n.t('{0} runs', ids.length), runIds: ids })),
  ];
  if (byModel.size === 1) return items[0]!.runIds;
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Show which runs as a sweep?') });
  return picked?.runIds;
}

export function registerSweepView(context: vscode.ExtensionContext): void {
  registerRunsPanel(context, {
    command: SHOW_SWEEP_COMMAND,
    viewType: SWEEP_VIEW_TYPE,
    pick: pickScope,
    panel: SweepPanel,
  });
}
