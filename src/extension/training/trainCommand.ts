import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendPreference } from '../../shared/backends';
import { prepareRuns, startTrainer, type PreparedRun } from '../../engine/trainer/start';
import { engineChooser } from '../../engine/torch/chooseEngine';
import { pickActiveModel } from '../activeModel';
import { workspaceRunsDir } from '../runs/runsDir';
import type { ModelDocuments } from '../modelDocuments';
import type { CurrentRun } from './currentRun';
import { explainStartFailure } from './failureActions';
import { LiveRun } from './liveRun';
import { askOverrides } from './overridesWizard';
import { pythonCandidates } from './pythonCandidates';

// Train Model: the model (the active editor's, or the one a CodeLens names), its overrides, the
// editor's settings (data folder, limits, backend, the Python for torch); then the same trainer
// process the CLI starts, in its own process group at a lower priority. Training never runs in
// the extension host.

export interface TrainDeps {
  documents: ModelDocuments;
  /** Where the overrides are remembered. */
  state: vscode.Memento;
  current: CurrentRun;
  /** Follows a started run (status bar, progress, its end). */
  follow(live: LiveRun): void;
  /** Where the stack of a failure that is not the model file's goes. */
  output?: vscode.OutputChannel;
}

export async function trainModel(deps: TrainDeps, uri?: vscode.Uri, exportName?: string): Promise<void> {
  const live = deps.current.live;
  if (live?.running) {
    const choice = await vscode.window.showWarningMessage(`A run is still training (${live.runId}).`, 'Stop It', 'Keep It');
    if (choice !== 'Stop It') return;
    live.stop();
  }
  const picked = await pickActiveModel(deps.documents, uri, exportName);
  if (!picked) return;
  const runsDir = workspaceRunsDir() ?? path.join(path.dirname(picked.doc.fileName), '.cnn-runs');
  const overrides = await askOverrides(deps.state, picked.doc.uri);
  if (overrides === undefined) return;
  const config = vscode.workspace.getConfiguration('cnnExplorer');
  const positive = (key: string) => { const v = config.get<number>(key) ?? 0; return v > 0 ? v : undefined; };
  const backend = config.get<BackendPreference>('backend') ?? 'auto';
  let run: PreparedRun;
  try {
    [run] = await prepareRuns({
      file: picked.doc.fileName,
      exportName: picked.model.exportName,
      text: picked.doc.getText(),
      overrides,
      runsDir,
      data: {
        dataDir: config.get<string>('dataDir') || undefined, dataDirOption: 'the setting cnnExplorer.dataDir: Set Data Folder',
        limitTrain: positive('limitTrain'), limitTest: positive('limitTest'),
      },
      backend,
      // The Python extension is asked (and woken) only when torch may train.
      engine: engineChooser(backend === 'auto' || backend === 'torch' ? await pythonCandidates(picked.doc.uri) : []),
    }) as [PreparedRun];
  } catch (err) {
    return explainStartFailure(err, deps.output);
  }
  const handle = startTrainer(run, { detached: true, niceness: 10 });
  deps.follow(new LiveRun(handle, picked.model.model.name, run.spec.config.epochs));
}
