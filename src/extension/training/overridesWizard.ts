import * as vscode from 'vscode';
import { parseSetArgument, type Override } from '../../engine/training/overrides';

// Train Model's steps: train with the file's training block, or change epochs, batch size and
// learning rate first. The values chosen are remembered per model file (workspace state).

interface QuickOverrides { epochs?: number; batchSize?: number; lr?: number }

const FIELDS = [['epochs', 'Epochs'], ['batchSize', 'Batch size'], ['lr', 'Learning rate']] as const;

/** The overrides for a run of `file`'s model; undefined when the user cancelled. */
export async function askOverrides(state: vscode.Memento, file: vscode.Uri): Promise<Override[] | undefined> {
  const key = `cnnExplorer.overrides:${file.toString()}`;
  const remembered = state.get<QuickOverrides>(key) ?? {};
  const describe = (o: QuickOverrides) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
  const items: (vscode.QuickPickItem & { id: 'go' | 'edit' | 'reset' })[] = [
    { id: 'go', label: '$(play) Train', description: Object.keys(remembered).length ? `with ${describe(remembered)}` : 'with the file\'s training block' },
    { id: 'edit', label: '$(settings) Change epochs, batch size or learning rate…' },
  ];
  if (Object.keys(remembered).length) items.push({ id: 'reset', label: '$(discard) Train with the file\'s training block', description: 'forget the overrides' });
  // ignoreFocusOut: a focus change mid-way (a notification, a click to look something up) would
  // otherwise close the steps and drop the run without a word.
  const choice = await vscode.window.showQuickPick(items, { placeHolder: 'Train Model', ignoreFocusOut: true });
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
  for (const [field, label] of FIELDS) {
    const value = await vscode.window.showInputBox({
      prompt: `${label} (empty: the file's value)`,
      value: remembered[field] === undefined ? '' : String(remembered[field]),
      validateInput: (v) => (v.trim() === '' || (Number.isFinite(Number(v)) && Number(v) > 0) ? null : 'a positive number'),
      ignoreFocusOut: true,
    });
    if (value === undefined) return undefined;
    if (value.trim() !== '') next[field] = Number(value);
  }
  return next;
}
