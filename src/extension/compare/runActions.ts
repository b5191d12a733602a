import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { readMeta, runLabel, updateMeta, parseTags } from '../../runs/meta';
import { markInterruptedIfDead } from '../../runs/store';

// What a user can do to a run from the compare view: name it, tag it, delete it. Names and tags
// go to meta.json (run.json is the trainer's); deleting asks first, in a modal dialog, and is
// refused while the run is still training.

export async function renameRun(id: string, dir: string): Promise<boolean> {
  const meta = readMeta(dir);
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Name run {0}', id), value: meta.name ?? '', prompt: vscode.l10n.t('Shown instead of the id in lists and comparisons; empty to clear.'),
  });
  if (name === undefined) return false;
  updateMeta(dir, { name: name.trim() || null });
  return true;
}

export async function editRunTags(id: string, dir: string): Promise<boolean> {
  const meta = readMeta(dir);
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Tags of {0}', runLabel(id, meta)), value: meta.tags.join(', '), prompt: vscode.l10n.t('Comma-separated, e.g. baseline, permuted'),
  });
  if (text === undefined) return false;
  updateMeta(dir, { tags: parseTags(text) });
  return true;
}

/** True when the run's folder was deleted. */
export async function deleteRun(id: string, dir: string): Promise<boolean> {
  const record = markInterruptedIfDead(dir);
  if (record?.status === 'running') {
    void vscode.window.showWarningMessage(vscode.l10n.t('Run {0} is still training: stop it before deleting it.', runLabel(id, readMeta(dir))));
    return false;
  }
  const label = runLabel(id, readMeta(dir));
  const remove = vscode.l10n.t('Delete');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete run {0}?', label),
    { modal: true, detail: vscode.l10n.t('Its folder {0} (run.json, metrics, checkpoints) is removed from disk. This cannot be undone.', dir) },
    remove,
  );
  if (answer !== remove) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
