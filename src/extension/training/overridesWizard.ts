import * as vscode from 'vscode';
import { parseSetArgument, type Override } from '../../engine/training/overrides';

// Train Model's steps: train with the file's training block, or change epochs, batch size and
// learning rate first. The values chosen are remembered per model file (workspace state).

interface QuickOverrides { epochs?: number; batchSize?: number; lr?: number }

function fields(): [field: keyof QuickOverrides, label: string][] {
  return [['epochs', vscode.l10n.t('Epochs')], ['batchSize', vscode.l10n.t('Batch size')], ['lr', vscode.l10n.t('Learning rate')]];
}

/** The overrides for a run of `file`'s model; undefined when the user cancelled. */
export async function askOverrides(state: vscode.Memento, file: vscode.Uri): Promise<Override[] | undefined> {
  const key = `cnnExplorer.overrides:${file.toString()}`;
  const remembered = state.get<QuickOverrides>(key) ?? {};
  const describe = (o: QuickOverrides) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
  const items: (vscode.QuickPickItem & { id: 'go' | 'edit' | 'reset' })[] = [
    {
      id: 'go', label: `$(play) ${vscode.l10n.t('Train')}`,
      description: Object.keys(remembered).length ? vscode.l10n.t('with {0}', describe(remembered)) : vscode.l10n.t("with the file's training block"),
    },
    { id: 'edit', label: `$(settings) ${vscode.l10n.t('Change epochs, batch size or learning rate…')}` },
  ];
  if (Object.keys(remembered).length) {
    items.push({ id: 'reset', label: `$(discard) ${vscode.l10n.t("Train with the file's training block")}`, description: vscode.l10n.t('forget the overrides') });
  }
  // ignoreFocusOut: a focus change mid-way (a notification, a click to look something up) would
  // otherwise close the steps and drop the run without a word.
  const choice = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Train Model'), ignoreFocusOut: true });
  if (!choice) return undefined;
  let chosen = remembered;
  if (choice.id === 'reset') chosen = {};
  if (choice.id === 'edit') {
    const next = await askValues(remembered);
    if (!next) return undefined;
    chosen = next;
  }
  await state.update(key, chosen);
  return Object.entries(chosen).map(([k, v]) => parseSetArgument(`${k === 'lr' ? 'optimizer.lr' : k}=${v}`));
}

/** One input box per field, each starting at the remembered value; undefined when cancelled. */
async function askValues(remembered: QuickOverrides): Promise<QuickOverrides | undefined> {
  const next: QuickOverrides = {};
  for (const [field, label] of fields()) {
    const value = await vscode.window.showInputBox({
      prompt: vscode.l10n.t("{0} (empty: the file's value)", label),
      value: remembered[field] === undefined ? '' : String(remembered[field]),
      validateInput: (v) => (v.trim() === '' || (Number.isFinite(Number(v)) && Number(v) > 0) ? null : vscode.l10n.t('a positive number')),
      ignoreFocusOut: true,
    });
    if (value === undefined) return undefined;
    if (value.trim() !== '') next[field] = Number(value);
  }
  return next;
}
