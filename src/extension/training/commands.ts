import * as vscode from 'vscode';
import { workspaceRunsDir } from '../runs/runsDir';
import type { ModelDocuments } from '../modelDocuments';
import { OPEN_RUN_FOLDER_COMMAND, STOP_COMMAND, TRAIN_COMMAND } from './commandIds';
import { CurrentRun } from './currentRun';
import type { LiveRun } from './liveRun';
import { reattachLiveRun } from './reattach';
import { openRunFolder } from './runFolder';
import { announceRunEnd } from './runOutcome';
import { showDownloadProgress } from './downloadProgress';
import { showRunProgress } from './runProgress';
import { RunStatusBar } from './statusBar';
import { trainModel } from './trainCommand';

// Train Model, Stop Training, Open Run Folder: the editor's way into the same trainer process
// the CLI starts. This module only wires them: each job is in its own module.

/**
 * Registers the training commands; the run they follow is returned for the sidebar. `output` is
 * where a failed run's trainer stderr (its stack) is written.
 */
export function registerTraining(context: vscode.ExtensionContext, documents: ModelDocuments, output?: vscode.OutputChannel): CurrentRun {
  const current = new CurrentRun();
  const follow = (live: LiveRun) => {
    current.follow(live);
    void showRunProgress(live);
    showDownloadProgress(live);
    void live.handle.done.then((result) => announceRunEnd(live, result, output));
  };
  context.subscriptions.push(
    current,
    new RunStatusBar(current),
    vscode.commands.registerCommand(TRAIN_COMMAND, (uri?: vscode.Uri, exportName?: string) => trainModel(
      { documents, state: context.workspaceState, current, follow, output },
      uri instanceof vscode.Uri ? uri : undefined, typeof exportName === 'string' ? exportName : undefined)),
    vscode.commands.registerCommand(STOP_COMMAND, () => current.stop()),
    vscode.commands.registerCommand(OPEN_RUN_FOLDER_COMMAND, (runId?: string) => openRunFolder(runId ?? current.live?.runId)),
  );
  const runsDir = workspaceRunsDir();
  const reattached = runsDir ? reattachLiveRun(runsDir) : null;
  if (reattached) follow(reattached);
  return current;
}
