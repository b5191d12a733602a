import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendPreference } from '../../shared/backends';
import { prepareRuns, startTrainer, type PrepareOptions, type PreparedRun } from '../../engine/trainer/start';
import { engineChooser, type EngineChooser } from '../../engine/torch/chooseEngine';
import type { Override } from '../../engine/training/overrides';
import { pickActiveModel } from '../activeModel';
import { workspaceRunsDir } from '../runs/runsDir';
import type { ModelDocuments } from '../modelDocuments';
import type { CurrentRun } from './currentRun';
import { explainStartFailure } from './failureActions';
import { LiveRun } from './liveRun';
import { distributedOffers } from './distributedOffers';
import { askOverrides } from './overridesWizard';
import { pythonCandidates } from './pythonCandidates';

// Train Model: the model (the active editor's, or the one a CodeLens names), its overrides, the
// editor's settings (data folder, limits, backend, the Python for torch), on a machine where
// PyTorch sees several GPUs one GPU or all of them; then the same trainer process the CLI starts,
// in its own process group at a lower priority. Training never runs in the extension host.

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
    const stopIt = vscode.l10n.t('Stop It');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('A run is still training ({0}).', live.runId), stopIt, vscode.l10n.t('Keep It'));
    if (choice !== stopIt) return;
    live.stop();
  }
  const picked = await pickActiveModel(deps.documents, uri, exportName);
  if (!picked) return;
  const runsDir = workspaceRunsDir() ?? path.join(path.dirname(picked.doc.fileName), '.cnn-runs');
  const overrides = await askOverrides(deps.state, picked.doc.uri);
  if (overrides === undefined) return;
  let run: PreparedRun | undefined;
  try {
    run = await prepareEditorRun({
      file: picked.doc.fileName, exportName: picked.model.exportName, text: picked.doc.getText(),
      resource: picked.doc.uri, overrides, runsDir,
    });
  } catch (err) {
    return explainStartFailure(err, deps.output);
  }
  if (!run) return;
  const handle = startTrainer(run, { detached: true, niceness: 10 });
  deps.follow(new LiveRun(handle, picked.model.model.name, run.spec.config.epochs));
}

/** VS Code's http.proxy and http.noProxy (an empty http.proxy: the environment's HTTPS_PROXY, as VS Code does). */
function editorProxy(): { url: string | null; noProxy: string[] } {
  const http = vscode.workspace.getConfiguration('http');
  const noProxy = http.get<string[]>('noProxy');
  return { url: http.get<string>('proxy') || null, noProxy: Array.isArray(noProxy) ? noProxy.filter((s) => typeof s === 'string') : [] };
}

/** The run Train Model asks for: the model's file and export, its overrides, where runs go. */
export interface EditorRunRequest {
  file: string;
  exportName: string;
  /** The editor's text, saved or not. */
  text: string;
  /** The model's document, for the Python chosen for it. */
  resource: vscode.Uri;
  overrides: Override[];
  runsDir: string;
}

/**
 * Prepares the run with the editor's settings; undefined when the user dismissed the choice of
 * GPUs. `engine`: which engine trains, by default this machine's probes (the setting's or the
 * Python extension's interpreter); a test of a machine with several GPUs passes its own. Throws
 * what prepareRuns throws.
 */
export async function prepareEditorRun(req: EditorRunRequest, engine?: EngineChooser): Promise<PreparedRun | undefined> {
  const config = vscode.workspace.getConfiguration('cnnExplorer');
  const positive = (key: string) => { const v = config.get<number>(key) ?? 0; return v > 0 ? v : undefined; };
  const backend = config.get<BackendPreference>('backend') ?? 'auto';
  // The Python extension is asked (and woken) only when torch may train. The chooser probes once:
  // the question below and prepareRuns share its answer.
  const choose = engine ?? engineChooser(backend === 'auto' || backend === 'torch' ? await pythonCandidates(req.resource) : []);
  const opts: PrepareOptions = {
    file: req.file,
    exportName: req.exportName,
    text: req.text,
    overrides: req.overrides,
    runsDir: req.runsDir,
    data: {
      dataDir: config.get<string>('dataDir') || undefined, dataDirOption: 'the setting cnnExplorer.dataDir: Set Data Folder',
      limitTrain: positive('limitTrain'), limitTest: positive('limitTest'),
      // A dataset that is nowhere here is downloaded (docs/downloads.md), through VS Code's proxy.
      online: config.get<boolean>('downloadDatasets') ?? true,
      proxy: editorProxy(),
    },
    backend,
    engine: choose,
  };
  const offers = distributedOffers(await choose(backend));
  if (offers.length > 0) {
    // A model or training block with an error fails before the question, as it would without it.
    await prepareRuns({ ...opts, checkOnly: true });
    const picked = await vscode.window.showQuickPick(offers, { placeHolder: vscode.l10n.t('Train on one GPU or on all of them?'), ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked.distributed) opts.distributed = picked.distributed;
  }
  const [run] = await prepareRuns(opts);
  return run;
}
