import * as vscode from 'vscode';
import { compareRuns } from '../../runs/compare';
import { listRuns, type RunListing } from '../../runs/store';
import { datasetLabel, runSeconds } from '../../runs/text';
import { RUNS_VIEW_ID, type ExtensionToSidebar, type RunRow, type SidebarToExtension } from '../../shared/messages';
import { WatchedRun } from '../runs/watchedRun';
import { answerInsight, InsightProcesses } from '../insight/insightProcess';
import { COMPARE_RUNS_COMMAND } from '../compare/register';
import { SHOW_SWEEP_COMMAND } from '../sweep/register';
import { workspaceRunsDir } from '../runs/runsDir';
import { assertNever } from '../../shared/assertNever';
import { runBackendLabel } from '../../shared/backends';
import { OPEN_RUN_FOLDER_COMMAND, TRAIN_COMMAND } from '../training/commandIds';
import type { CurrentRun } from '../training/currentRun';
import { webviewPageHtml } from '../webviewPage';

// The CNN Explorer sidebar: the runs folder as a list, and the selected (or live) run in full.
// Everything comes from the run folders on disk, read incrementally once a second while the
// view is visible, so a reloaded window picks a live run up again and the CLI's runs show too.

const REFRESH_MS = 1000;

function row(r: RunListing): RunRow {
  const rec = r.record;
  if (!rec) {
    return { id: r.id, status: 'damaged', model: '', dataset: '', bestAccuracy: null, seconds: null, backend: null, error: null, damaged: r.damaged };
  }
  return {
    id: r.id,
    status: rec.status,
    model: rec.model.name,
    dataset: datasetLabel(rec),
    bestAccuracy: rec.best ? (rec.best.val?.accuracy ?? rec.best.test.accuracy) : null,
    seconds: runSeconds(rec),
    // A DDP run's row says its world too (`torch · cpu ×2 · DDP`).
    backend: runBackendLabel(rec),
    error: rec.error,
    damaged: r.damaged,
  };
}

export class RunsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private selected: string | null = null;
  private watched: WatchedRun | null = null;
  private lastRows = '';
  private readonly liveSubscription: vscode.Disposable;
  /** The runs whose confusion cells and Grad-CAM were asked for, loaded in their own processes. */
  private readonly insight: InsightProcesses;

  constructor(private readonly context: vscode.ExtensionContext, private readonly training: CurrentRun) {
    this.insight = new InsightProcesses(vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath);
    this.liveSubscription = training.onDidChangeLive((live) => {
      if (live) this.selected = live.runId;
      this.refresh(true);
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = webviewPageHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'sidebar.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'sidebar.css')).toString(),
    }, { title: vscode.l10n.t('CNN Explorer runs'), body: `<main id="app" aria-label="${vscode.l10n.t('Training runs')}"></main>` });
    view.webview.onDidReceiveMessage((m: SidebarToExtension) => this.receive(m));
    view.onDidChangeVisibility(() => this.schedule());
    view.onDidDispose(() => { this.view = null; this.schedule(); });
    this.schedule();
  }

  private receive(m: SidebarToExtension): void {
    switch (m.type) {
      case 'ready': this.lastRows = ''; this.watched = null; this.refresh(true); break;
      case 'select': this.selected = m.runId; this.watched = null; this.refresh(true); break;
      case 'compare': void vscode.commands.executeCommand(COMPARE_RUNS_COMMAND, ...m.runIds); break;
      case 'sweep': void vscode.commands.executeCommand(SHOW_SWEEP_COMMAND, { runIds: m.runIds }); break;
      case 'stop': this.training.stop(); break;
      case 'openFolder': void vscode.commands.executeCommand(OPEN_RUN_FOLDER_COMMAND, m.runId); break;
      case 'train': void vscode.commands.executeCommand(TRAIN_COMMAND); break;
      case 'insight': void answerInsight(this.insight, workspaceRunsDir(), m.runId, m).then((r) => this.post(r)); break;
      default: assertNever(m, 'runs sidebar');
    }
  }

  private schedule(): void {
    const wanted = this.view?.visible ?? false;
    if (wanted && !this.timer) this.timer = setInterval(() => this.refresh(false), REFRESH_MS);
    if (!wanted && this.timer) { clearInterval(this.timer); this.timer = null; }
  }

  private post(message: ExtensionToSidebar): void {
    void this.view?.webview.postMessage(message);
  }

  /** Sends the list when it changed, and the selected run when it has news (or `force`). */
  private refresh(force: boolean): void {
    if (!this.view) return;
    const runsDir = workspaceRunsDir();
    const listings = runsDir ? listRuns(runsDir) : [];
    const rows = listings.map(row);
    const live = this.training.live?.running ? this.training.live.runId : null;
    // The live run first, then newest first.
    rows.sort((a, b) => Number(b.id === live) - Number(a.id === live));
    const text = JSON.stringify([rows, live]);
    if (force || text !== this.lastRows) {
      this.lastRows = text;
      this.post({ type: 'runs', runs: rows, runsDir, liveRunId: live });
    }
    // A run whose run.json cannot be read has nothing to show but its row (which says why).
    const readable = (runId: string | null) => listings.some((l) => l.id === runId && l.record);
    const id = this.selected && readable(this.selected) ? this.selected
      : this.selected && rows.some((r) => r.id === this.selected) ? null : listings.find((l) => l.record)?.id ?? null;
    if (!id) {
      if (force || this.watched) this.post({ type: 'noDetail' });
      this.watched = null;
      return;
    }
    const listing = listings.find((l) => l.id === id)!;
    let changed = force;
    if (!this.watched || this.watched.id !== id) {
      try {
        this.watched = new WatchedRun(id, listing.dir);
        changed = true;
      } catch {
        return; // run.json mid-write: next tick
      }
    } else if (this.watched.refresh()) {
      changed = true;
    }
    const progress = this.training.live?.runId === id && this.training.live.running ? this.training.live.progress : null;
    if (!changed && !progress) return;
    this.post({ type: 'detail', runId: id, comparison: compareRuns([this.watched.input()]), progress });
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.liveSubscription.dispose();
    this.insight.dispose();
  }
}

export function registerRunsView(context: vscode.ExtensionContext, training: CurrentRun): void {
  const view = new RunsView(context, training);
  context.subscriptions.push(view, vscode.window.registerWebviewViewProvider(RUNS_VIEW_ID, view));
}
