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
  const best = result.testAccuracy === null ? '' : `: best test accuracy ${percent(result.testAccuracy)} (epoch ${result.bestEpoch})`;
  const action = await vscode.window.showInformationMessage(`${live.model}: run ${result.status}${best}.`, 'Open Run Folder', 'Compare Runs');
  if (action === 'Open Run Folder') await openRunFolder(result.runId);
  if (action === 'Compare Runs') await vscode.commands.executeCommand(COMPARE_RUNS_COMMAND, result.runId);
}
