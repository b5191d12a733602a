import * as vscode from 'vscode';
import type { SourceRange } from '../../dsl/ir';
import { LocatedError } from '../../dsl/errors';
import type { RunErrorCode, TrainResult } from '../../runs/types';
import { toVsRange } from '../editor/vscodeRanges';
import { showLocatedError } from '../locatedErrorMessage';
import { TRAIN_COMMAND } from './commandIds';
import { openRunFolder } from './runFolder';

// A run that could not start or did not finish: one message, and the actions that fix it. For a
// failure in the trainer the actions follow its error code (docs/trainer-protocol.md); the run
// folder keeps what was reached, so Open Run Folder is always offered.

type FailureAction = 'Set Data Folder' | 'Pick Another Backend' | 'Open File' | 'Change Batch Size' | 'Open Run Folder';

/** What fixes each kind of failure, first the most likely. */
const ACTIONS: Record<RunErrorCode, FailureAction[]> = {
  'dataset-missing': ['Set Data Folder'],
  'dataset-corrupt': ['Set Data Folder'],
  'backend-unavailable': ['Pick Another Backend'],
  'config-invalid': ['Open File'],
  'model-invalid': ['Open File'],
  // Train Model's steps ask for the batch size (and the backend setting is one click further).
  'out-of-memory': ['Change Batch Size'],
  'internal': [],
};

/** Train Model could not even start the run (the model or its training block is wrong). */
export async function explainStartFailure(err: unknown): Promise<void> {
  if (err instanceof LocatedError) return showLocatedError(err);
  void vscode.window.showErrorMessage(`Train Model: ${err instanceof Error ? err.message : String(err)}`);
}

export interface RunFailure {
  result: TrainResult;
  /** Where in the model file the trainer says the error is, if it does. */
  location: SourceRange | null;
  /** The model file and export, to train again. */
  model: { file: string; exportName: string } | null;
}

/** A run that failed in the trainer, or whose trainer died (a crash, out of memory, killed). */
export async function explainRunFailure({ result, location, model }: RunFailure): Promise<void> {
  const failed = result.status === 'failed';
  const code = failed ? result.errorCode ?? 'internal' : 'internal';
  const actions = ACTIONS[code].filter((a) => (a !== 'Open File' || location !== null) && (a !== 'Change Batch Size' || model !== null));
  const what = failed ? 'Training failed' : 'Training was interrupted';
  const chosen = await vscode.window.showErrorMessage(
    `${what}: ${result.error ?? 'the trainer ended without a word'}`, ...actions, 'Open Run Folder');
  switch (chosen) {
    case undefined: return;
    case 'Set Data Folder': await vscode.commands.executeCommand('workbench.action.openSettings', 'cnnExplorer.dataDir'); return;
    case 'Pick Another Backend': await vscode.commands.executeCommand('workbench.action.openSettings', 'cnnExplorer.backend'); return;
    case 'Open File': {
      const doc = await vscode.workspace.openTextDocument(location!.file);
      await vscode.window.showTextDocument(doc, { selection: toVsRange(location!) });
      return;
    }
    case 'Change Batch Size': await vscode.commands.executeCommand(TRAIN_COMMAND, vscode.Uri.file(model!.file), model!.exportName); return;
    case 'Open Run Folder': await openRunFolder(result.runId); return;
  }
}
