import * as vscode from 'vscode';
import { readMeta } from '../../runs/meta';
import { listRuns } from '../../runs/store';
import { percent } from '../../shared/format';

// "CNN: Compare Runs": a multi-select quick pick of the workspace's runs, newest first, each
// with what it trained, on what, how far and how well.

interface RunItem extends vscode.QuickPickItem {
  id: string;
}

export async function pickRuns(runsDir: string, exclude: readonly string[] = [], title = vscode.l10n.t('Compare runs: pick two or more')): Promise<string[] | undefined> {
  const items: RunItem[] = listRuns(runsDir)
    .filter((r) => r.record && !exclude.includes(r.id))
    .map(({ id, dir, record: r }) => {
      const meta = readMeta(dir);
      const acc = percent(r!.best?.test.accuracy);
      const data = (typeof r!.config.dataset === 'string' ? r!.config.dataset : r!.config.dataset.folder) + (r!.config.permutePixels !== null ? vscode.l10n.t(' (permuted)') : '');
      return {
        id,
        label: meta.name ?? id,
        description: `${r!.model.name} · ${data} · ${acc}`,
        detail: [meta.name ? id : '', r!.status, vscode.l10n.t('{0}/{1} epochs', r!.epochsCompleted, r!.config.epochs), ...meta.tags.map((t) => `#${t}`)].filter(Boolean).join(' · '),
      };
    });
  if (!items.length) {
    void vscode.window.showInformationMessage(exclude.length ? vscode.l10n.t('No other runs to add.')
      : vscode.l10n.t('No runs in {0} yet: train a model first.', vscode.workspace.asRelativePath(runsDir)));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title, matchOnDescription: true, matchOnDetail: true });
  return picked && picked.length ? picked.map((p) => p.id) : undefined;
}
