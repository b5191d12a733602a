import * as path from 'node:path';
import * as vscode from 'vscode';
import { prepareRuns, startTrainer, type PreparedRun } from '../../engine/trainer/start';
import type { BackendPreference } from '../../engine/trainer/spec';
import { parseSetArgument, type Override } from '../../engine/training/overrides';
import { LocatedError } from '../../dsl/errors';
import { showLocatedError } from '../locatedErrorMessage';
import { pickActiveModel } from '../activeModel';
import { COMPARE_RUNS_COMMAND } from '../compare/register';
import { workspaceRunsDir } from '../compare/runsDir';
import type { ModelDocuments } from '../modelDocuments';
import { LiveRun } from './liveRun';
import { listRuns, readRun } from '../../runs/store';
import { attachTrainer } from '../../engine/trainer/attach';
import { percent } from '../../shared/format';

// Train Model, Stop Training, Open Run Folder: the editor's way into the same trainer process
// the CLI starts. Training never runs in the extension host.

export const TRAIN_COMMAND = 'cnnExplorer.train';
export const STOP_COMMAND = 'cnnExplorer.stopTraining';
export const OPEN_RUN_FOLDER_COMMAND = 'cnnExplorer.openRunFolder';

interface QuickOverrides { epochs?: number; batchSize?: number; lr?: number }

export class Training implements vscode.Disposable {
  private readonly liveChanged = new vscode.EventEmitter<LiveRun | null>();
  /** Fires when a run starts or ends. */
  readonly onDidChangeLive = this.liveChanged.event;
  live: LiveRun | null = null;
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly context: vscode.ExtensionContext, private readonly documents: ModelDocuments) {
    this.status.command = 'workbench.view.extension.cnnExplorer';
    context.subscriptions.push(
      this,
      vscode.commands.registerCommand(TRAIN_COMMAND, (uri?: vscode.Uri, exportName?: string) =>
        this.train(uri instanceof vscode.Uri ? uri : undefined, typeof exportName === 'string' ? exportName : undefined)),
      vscode.commands.registerCommand(STOP_COMMAND, () => this.stop()),
      vscode.commands.registerCommand(OPEN_RUN_FOLDER_COMMAND, (runId?: string) => this.openRunFolder(runId)),
    );
    this.reattach();
  }

  async train(uri?: vscode.Uri, exportName?: string): Promise<void> {
    if (this.live?.running) {
      const choice = await vscode.window.showWarningMessage(`A run is still training (${this.live.runId}).`, 'Stop It', 'Keep It');
      if (choice !== 'Stop It') return;
      this.live.stop();
    }
    const picked = await pickActiveModel(this.documents, uri, exportName);
    if (!picked) return;
    const runsDir = workspaceRunsDir() ?? path.join(path.dirname(picked.doc.fileName), '.cnn-runs');
    const overrides = await this.askOverrides(picked.doc.uri);
    if (overrides === undefined) return;
    const config = vscode.workspace.getConfiguration('cnnExplorer');
    const positive = (key: string) => { const v = config.get<number>(key) ?? 0; return v > 0 ? v : undefined; };
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
        backend: config.get<BackendPreference>('backend') ?? 'auto',
      }) as [PreparedRun];
    } catch (err) {
      return this.explainFailure(err);
    }
    const handle = startTrainer(run, { detached: true, niceness: 10 });
    this.follow(new LiveRun(handle, picked.model.model.name, run.spec.config.epochs));
  }

  /**
   * After a reload of the window: the newest run in the runs folder whose trainer is still alive
   * on this machine becomes the live run again (status bar, progress, Stop, the sidebar's live view).
   */
  private reattach(): void {
    const runsDir = workspaceRunsDir();
    if (!runsDir) return;
    for (const { id, dir, record } of listRuns(runsDir)) {
      if (record?.status !== 'running') continue;
      const handle = attachTrainer(dir, id);
      if (!handle) continue;
      this.follow(new LiveRun(handle, record.model.name, record.config.epochs, Date.parse(record.startedAt)));
      return;
    }
  }

  private follow(live: LiveRun): void {
    this.live = live;
    this.liveChanged.fire(live);
    live.onDidChange(() => this.showStatus(live));
    this.showStatus(live);
    void this.showProgress(live);
    void live.handle.done.then((result) => {
      this.liveChanged.fire(null);
      this.showStatus(live);
      const best = result.testAccuracy === null ? '' : `: best test accuracy ${percent(result.testAccuracy)} (epoch ${result.bestEpoch})`;
      if (result.status === 'failed' || result.status === 'interrupted') {
        return this.explainRunFailure(result.status, readRun(result.runDir)?.error ?? 'the trainer ended without a word', result.runId);
      }
      void vscode.window.showInformationMessage(`${live.model}: run ${result.status}${best}.`, 'Open Run Folder', 'Compare Runs').then((a) => {
        if (a === 'Open Run Folder') void this.openRunFolder(result.runId);
        if (a === 'Compare Runs') void vscode.commands.executeCommand(COMPARE_RUNS_COMMAND, result.runId);
      });
    });
  }

  stop(): void {
    if (!this.live?.running) {
      void vscode.window.showInformationMessage('No run is training in this window.');
      return;
    }
    this.live.stop();
  }

  private async openRunFolder(runId?: string): Promise<void> {
    const runsDir = workspaceRunsDir();
    const id = runId ?? this.live?.runId;
    if (!runsDir || !id) {
      void vscode.window.showInformationMessage('No run to open: train a model first.');
      return;
    }
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path.join(runsDir, id)))
      .then(undefined, () => vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(runsDir, id))));
  }

  /** Epochs, batch size and learning rate for this run, remembered per file; undefined = cancelled. */
  private async askOverrides(file: vscode.Uri): Promise<Override[] | undefined> {
    const key = `cnnExplorer.overrides:${file.toString()}`;
    const remembered = this.context.workspaceState.get<QuickOverrides>(key) ?? {};
    const describe = (o: QuickOverrides) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
    const items: (vscode.QuickPickItem & { id: string })[] = [
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
      const next: QuickOverrides = {};
      for (const [field, label] of [['epochs', 'Epochs'], ['batchSize', 'Batch size'], ['lr', 'Learning rate']] as const) {
        const value = await vscode.window.showInputBox({
          prompt: `${label} (empty: the file's value)`,
          value: remembered[field] === undefined ? '' : String(remembered[field]),
          validateInput: (v) => (v.trim() === '' || (Number.isFinite(Number(v)) && Number(v) > 0) ? null : 'a positive number'),
          ignoreFocusOut: true,
        });
        if (value === undefined) return undefined;
        if (value.trim() !== '') next[field] = Number(value);
      }
      chosen = next;
    }
    await this.context.workspaceState.update(key, chosen);
    return Object.entries(chosen).map(([k, v]) => parseSetArgument(`${k === 'lr' ? 'optimizer.lr' : k}=${v}`));
  }

  private async showProgress(live: LiveRun): Promise<void> {
    await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `Training ${live.model}`, cancellable: true,
    }, (progress, token) => new Promise<void>((resolve) => {
      token.onCancellationRequested(() => live.stop());
      let reported = 0;
      const sub = live.onDidChange(() => {
        const p = live.progress;
        if (!live.running) { sub.dispose(); resolve(); return; }
        if (!p || !p.epochs) return;
        const fraction = ((p.epoch - 1) * p.steps + p.step) / (p.epochs * p.steps);
        const increment = Math.max(0, fraction * 100 - reported);
        reported += increment;
        const acc = live.lastEpoch ? ` · test ${percent(live.lastEpoch.test.accuracy)}` : '';
        progress.report({ increment, message: `epoch ${p.epoch}/${p.epochs} · step ${p.step}/${p.steps} · loss ${p.loss?.toFixed(3)}${acc}` });
      });
    }));
  }

  private showStatus(live: LiveRun): void {
    if (!live.running) {
      this.status.hide();
      return;
    }
    const p = live.progress;
    const acc = live.lastEpoch ? ` ${percent(live.lastEpoch.test.accuracy, 1)}` : '';
    this.status.text = `$(sync~spin) ${live.model} ${p ? `epoch ${p.epoch}/${p.epochs}` : 'starting'}${acc}${live.backend ? ` · ${live.backend}` : ''}`;
    this.status.tooltip = `CNN Explorer: run ${live.runId} is training (click for the sidebar)`;
    this.status.show();
  }

  /** One message with the action that fixes it. */
  private async explainFailure(err: unknown): Promise<void> {
    if (err instanceof LocatedError) return showLocatedError(err);
    void vscode.window.showErrorMessage(`Train Model: ${err instanceof Error ? err.message : String(err)}`);
  }

  /**
   * A run that failed in the trainer (data, backend) or whose trainer died (a crash, out of
   * memory, killed): the message and what fixes it. The run folder keeps what was reached.
   */
  private async explainRunFailure(status: 'failed' | 'interrupted', error: string, runId: string): Promise<void> {
    const actions = ['Open Run Folder'];
    if (status === 'failed' && /dataset|mnist|cifar|idx|folder|image/i.test(error)) actions.unshift('Set Data Folder');
    if (status === 'failed' && /backend/i.test(error)) actions.unshift('Pick Another Backend');
    const what = status === 'failed' ? 'Training failed' : 'Training was interrupted';
    const a = await vscode.window.showErrorMessage(`${what}: ${error}`, ...actions);
    if (a === 'Set Data Folder') await vscode.commands.executeCommand('workbench.action.openSettings', 'cnnExplorer.dataDir');
    if (a === 'Pick Another Backend') await vscode.commands.executeCommand('workbench.action.openSettings', 'cnnExplorer.backend');
    if (a === 'Open Run Folder') await this.openRunFolder(runId);
  }

  dispose(): void {
    this.status.dispose();
    this.liveChanged.dispose();
  }
}
