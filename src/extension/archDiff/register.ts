import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickActiveModel } from '../activeModel';
import type { ModelDocuments } from '../modelDocuments';
import { ArchDiffPanel } from './diffPanel';
import { revisions, textAtRevision } from './git';
import { analyzeVersion, type ModelVersion } from './versions';

// The architecture diff commands: the model in the editor against HEAD, against a revision the
// user picks (branch, tag, recent commit, or typed), or against another model file.

export const COMPARE_WITH_HEAD_COMMAND = 'cnnExplorer.compareArchitectureWithHead';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Opens the diff of the user's model against the version `load` produces (with progress, one line on failure). */
async function compare(context: vscode.ExtensionContext, documents: ModelDocuments, uri: vscode.Uri | undefined, exportName: string | undefined,
  what: (doc: vscode.TextDocument) => Promise<{ label: string; load: () => Promise<ModelVersion> } | undefined>): Promise<void> {
  const picked = await pickActiveModel(documents, uri instanceof vscode.Uri ? uri : undefined, exportName);
  if (!picked) return;
  const target = await what(picked.doc);
  if (!target) return;
  try {
    const before = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Comparing with {0}…', target.label) },
      () => target.load(),
    );
    ArchDiffPanel.show(context, documents, picked.doc.uri, picked.model.exportName, before);
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot compare {0} with {1}: {2}', path.basename(picked.doc.fileName), target.label, message(err)));
  }
}

/** The version of `doc` at a git revision. */
function atRevision(doc: vscode.TextDocument, rev: string) {
  return { label: rev, load: async () => analyzeVersion(doc.uri, await textAtRevision(doc.uri, rev), rev) };
}

/** A branch, tag or recent commit of the file, or any revision typed in. */
async function pickRevision(doc: vscode.TextDocument): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { ref: string }>();
  pick.placeholder = vscode.l10n.t('Compare with which revision? (a branch, tag or commit; or type one)');
  pick.busy = true;
  pick.show();
  const kindLabel = { branch: vscode.l10n.t('branch'), tag: vscode.l10n.t('tag'), commit: vscode.l10n.t('commit') };
  revisions(doc.uri).then((revs) => {
    pick.items = revs.map((r) => ({ label: r.ref, description: kindLabel[r.kind], detail: r.detail || undefined, ref: r.ref }));
    pick.busy = false;
  }, (err: unknown) => {
    pick.busy = false;
    pick.placeholder = vscode.l10n.t('No revisions listed ({0}): type one', message(err));
  });
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0]?.ref ?? pick.value.trim();
      resolve(chosen || undefined);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
  });
}

/** Another model file of the workspace, evaluated at its own path. */
async function pickModelFile(doc: vscode.TextDocument) {
  const files = (await vscode.workspace.findFiles('**/*.cnn.ts', '**/node_modules/**', 500))
    .filter((f) => f.toString() !== doc.uri.toString())
    .sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (files.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No other model file (*.cnn.ts) in the workspace.'));
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(
    files.map((f) => ({ label: path.basename(f.fsPath), description: vscode.workspace.asRelativePath(f), uri: f })),
    { placeHolder: vscode.l10n.t('Compare {0} with which model file?', path.basename(doc.fileName)), matchOnDescription: true },
  );
  if (!chosen) return undefined;
  const label = chosen.label;
  return {
    label,
    load: async () => analyzeVersion(chosen.uri, (await vscode.workspace.openTextDocument(chosen.uri)).getText(), label),
  };
}

export function registerArchitectureDiff(context: vscode.ExtensionContext, documents: ModelDocuments): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMPARE_WITH_HEAD_COMMAND, (uri?: vscode.Uri, exportName?: string) =>
      compare(context, documents, uri, exportName, async (doc) => atRevision(doc, 'HEAD'))),
    vscode.commands.registerCommand('cnnExplorer.compareArchitectureWithRevision', (uri?: vscode.Uri, exportName?: string) =>
      compare(context, documents, uri, exportName, async (doc) => {
        const rev = await pickRevision(doc);
        return rev === undefined ? undefined : atRevision(doc, rev);
      })),
    vscode.commands.registerCommand('cnnExplorer.compareArchitectureWithFile', (uri?: vscode.Uri, exportName?: string) =>
      compare(context, documents, uri, exportName, pickModelFile)),
    { dispose: () => ArchDiffPanel.disposeCurrent() },
  );
}
