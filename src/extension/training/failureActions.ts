import * as vscode from 'vscode';
import type { SourceRange } from '../../dsl/ir';
import { LocatedError } from '../../dsl/errors';
import type { RunSpec } from '../../engine/trainer/spec';
import { trainerLogPath, trainerLogTail } from '../../engine/trainer/trainerLog';
import { readJson } from '../../runs/files';
import { runPaths } from '../../runs/store';
import type { RunErrorCode, TrainResult } from '../../runs/types';
import { toVsRange } from '../editor/vscodeRanges';
import { showLocatedError } from '../locatedErrorMessage';
import { TRAIN_COMMAND } from './commandIds';
import { openRunFolder } from './runFolder';

// A run that could not start or did not finish: one message, and the actions that fix it. For a
// failure in the trainer the actions follow its error code (docs/trainer-protocol.md); the run
// folder keeps what was reached, so Open Run Folder is always offered. The notification is one
// line; what the trainer wrote on its stderr (the stack, library and driver warnings: its run's
// trainer.log) goes to the CNN Explorer output channel, which Show Output opens.

type FailureAction = 'Set Data Folder' | 'Set Python Path' | 'Pick Another Backend' | 'Open File' | 'Change Batch Size' | 'Show Output' | 'Open Run Folder';

/** The button of an action, in the display language. */
function actionLabel(action: FailureAction): string {
  switch (action) {
    case 'Set Data Folder': return vscode.l10n.t('Set Data Folder');
    case 'Set Python Path': return vscode.l10n.t('Set Python Path');
    case 'Pick Another Backend': return vscode.l10n.t('Pick Another Backend');
    case 'Open File': return vscode.l10n.t('Open File');
    case 'Change Batch Size': return vscode.l10n.t('Change Batch Size');
    case 'Show Output': return vscode.l10n.t('Show Output');
    case 'Open Run Folder': return vscode.l10n.t('Open Run Folder');
  }
}

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

/** Train Model could not even start the run (the model or its training block is wrong, or a bug). */
export async function explainStartFailure(err: unknown, output?: vscode.OutputChannel): Promise<void> {
  if (err instanceof LocatedError) return showLocatedError(err);
  const message = err instanceof Error ? err.message : String(err);
  if (!output) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Train Model: {0}', message));
    return;
  }
  output.appendLine(`[${new Date().toISOString()}] Train Model could not start the run: ${err instanceof Error ? err.stack ?? message : message}`);
  const showOutput = actionLabel('Show Output');
  if (await vscode.window.showErrorMessage(vscode.l10n.t('Train Model: {0}', message), showOutput) === showOutput) output.show(true);
}

export interface RunFailure {
  result: TrainResult;
  /** Where in the model file the trainer says the error is, if it does. */
  location: SourceRange | null;
  /** The model file and export, to train again. */
  model: { file: string; exportName: string } | null;
  /** Where the trainer's stderr is written for people to read (offered as Show Output). */
  output?: vscode.OutputChannel;
}

/** Writes the run's trainer.log to the output channel; false when the trainer wrote nothing there. */
function writeTrainerLog(output: vscode.OutputChannel, result: TrainResult): boolean {
  const log = trainerLogTail(result.runDir).trimEnd();
  if (!log) return false;
  output.appendLine(`[${new Date().toISOString()}] run ${result.runId} ${result.status}: ${result.error ?? 'no error recorded'}`);
  output.appendLine(`The trainer's stderr (${trainerLogPath(result.runDir)}):`);
  output.appendLine(log);
  output.appendLine('');
  return true;
}

/** A run that failed in the trainer, or whose trainer died (a crash, out of memory, killed). */
export async function explainRunFailure({ result, location, model, output }: RunFailure): Promise<void> {
  const failed = result.status === 'failed';
  const code = failed ? result.errorCode ?? 'internal' : 'internal';
  const actions = ACTIONS[code].filter((a) => (a !== 'Open File' || location !== null) && (a !== 'Change Batch Size' || model !== null));
  // torch without a Python that has PyTorch: pointing at the right Python is the likelier fix.
  if (code === 'backend-unavailable' && readJson<RunSpec>(runPaths(result.runDir).spec)?.backend === 'torch') actions.unshift('Set Python Path');
  if (output && writeTrainerLog(output, result)) actions.push('Show Output');
  const error = result.error ?? vscode.l10n.t('the trainer ended without a word');
  const offered = [...actions, 'Open Run Folder' as const];
  const label = await vscode.window.showErrorMessage(
    failed ? vscode.l10n.t('Training failed: {0}', error) : vscode.l10n.t('Training was interrupted: {0}', error),
    ...offered.map(actionLabel));
  const chosen = offered.find((a) => actionLabel(a) === label);
  switch (chosen) {
    case undefined: return;
    case 'Set Data Folder': await vscode.commands.executeCommand('workbench.action.openSettings', 'cnnExplorer.dataDir'); return;
    case 'Set Python Path': await vscode.commands.executeCommand('workbench.action.openSettings', 'cnnExplorer.pythonPath'); return;
    case 'Pick Another Backend': await vscode.commands.executeCommand('workbench.action.openSettings', 'cnnExplorer.backend'); return;
    case 'Open File': {
      const doc = await vscode.workspace.openTextDocument(location!.file);
      await vscode.window.showTextDocument(doc, { selection: toVsRange(location!) });
      return;
    }
    case 'Change Batch Size': await vscode.commands.executeCommand(TRAIN_COMMAND, vscode.Uri.file(model!.file), model!.exportName); return;
    case 'Show Output': output!.show(true); return;
    case 'Open Run Folder': await openRunFolder(result.runId); return;
  }
}
