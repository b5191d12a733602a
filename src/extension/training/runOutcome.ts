import * as vscode from 'vscode';
import { readRun } from '../../runs/store';
import type { TrainResult } from '../../runs/types';
import { percent } from '../../shared/format';
import { COMPARE_RUNS_COMMAND } from '../compare/register';
import { explainRunFailure } from './failureActions';
import type { LiveRun } from './liveRun';
import { openRunFolder } from './runFolder';

// How a followed run ended, told once: its best test accuracy with the way to its folder and to
// the comparison, or what went wrong with what fixes it.

/** `output` gets what the trainer wrote on its stderr when the run failed. */
export async function announceRunEnd(live: LiveRun, result: TrainResult, output?: vscode.OutputChannel): Promise<void> {
  if (result.status === 'failed' || result.status === 'interrupted') {
    const record = readRun(result.runDir);
    return explainRunFailure({
      result,
      location: live.failure?.location ?? null,
      model: record ? { file: record.source.file, exportName: record.model.export } : null,
      output,
    });
  }
  const status = result.status === 'completed' ? vscode.l10n.t('completed') : result.status === 'stopped' ? vscode.l10n.t('stopped') : result.status;
  const message = result.testAccuracy === null
    ? vscode.l10n.t('{0}: run {1}.', live.model, status)
    : vscode.l10n.t('{0}: run {1}: best test accuracy {2} (epoch {3}).', live.model, status, percent(result.testAccuracy), result.bestEpoch ?? '?');
  const openFolder = vscode.l10n.t('Open Run Folder'), compare = vscode.l10n.t('Compare Runs');
  const action = await vscode.window.showInformationMessage(message, openFolder, compare);
  if (action === openFolder) await openRunFolder(result.runId);
  if (action === compare) await vscode.commands.executeCommand(COMPARE_RUNS_COMMAND, result.runId);
}
