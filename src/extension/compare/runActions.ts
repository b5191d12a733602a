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
    title: `Name run ${id}`, value: meta.name ?? '', prompt: 'Shown instead of the id in lists and comparisons; empty to clear.',
  });
  if (name === undefined) return false;
  updateMeta(dir, { name: name.trim() || null });
  return true;
}

export async function editRunTags(id: string, dir: string): Promise<boolean> {
  const meta = readMeta(dir);
  const text = await vscode.window.showInputBox({
    title: `Tags of ${runLabel(id, meta)}`, value: meta.tags.join(', '), prompt: 'Comma-separated, e.g. baseline, permuted',
  });
  if (text === undefined) return false;
  updateMeta(dir, { tags: parseTags(text) });
  return true;
}

/** True when the run's folder was deleted. */
export async function deleteRun(id: string, dir: string): Promise<boolean> {
  const record = markInterruptedIfDead(dir);
  if (record?.status === 'running') {
    void vscode.window.showWarningMessage(`Run ${runLabel(id, readMeta(dir))} is still training: stop it before deleting it.`);
    return false;
  }
  const label = runLabel(id, readMeta(dir));
  const answer = await vscode.window.showWarningMessage(
    `Delete run ${label}?`,
    { modal: true, detail: `Its folder ${dir} (run.json, metrics, checkpoints) is removed from disk. This cannot be undone.` },
    'Delete',
  );
  if (answer !== 'Delete') return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
