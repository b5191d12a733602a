import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunModel } from '../../runs/archDiff';
import { compareRuns } from '../../runs/compare';
import { resolveRunId } from '../../runs/lookup';
import { loadRunModel } from '../../runs/runModels';
import {
  COMPARE_VIEW_TYPE, type CompareArchitectureState, type CompareToExtension, type ExtensionToCompare,
} from '../../shared/messages';
import { assertNever } from '../../shared/assertNever';
import { deliverExport } from '../deliverExport';
import { compareHtml } from './html';
import { WatchedRun } from '../runs/watchedRun';
import { pickRuns } from './pickRuns';
import { deleteRun, editRunTags, renameRun } from './runActions';

// The compare panel: one editor-area webview showing a comparison of runs. It computes the
// Comparison (src/runs/compare.ts) from the run folders, posts it, and re-posts it whenever a
// compared run changes on disk: a live run's new metrics, a status change, a rename. The
// webview only ever talks to this class, through typed messages.

/** How often live runs are looked at (only while one of them is still training). */
const LIVE_POLL_MS = 1000;

export class ComparePanel implements vscode.Disposable {
  private static current: ComparePanel | undefined;

  static disposeCurrent(): void {
    ComparePanel.current?.dispose();
  }

  /** Shows these runs (replacing what the panel showed), creating the panel if needed. */
  static show(context: vscode.ExtensionContext, runsDir: string, runIds: string[]): ComparePanel {
    const existing = ComparePanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      existing.setRuns(runsDir, runIds);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, vscode.l10n.t('Compare Runs'), vscode.ViewColumn.Active, ComparePanel.options(context));
    ComparePanel.current = new ComparePanel(panel, context, runsDir, runIds);
    return ComparePanel.current;
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, runsDir: string, runIds: string[]): ComparePanel {
    ComparePanel.current?.dispose();
    panel.webview.options = ComparePanel.options(context);
    ComparePanel.current = new ComparePanel(panel, context, runsDir, runIds);
    return ComparePanel.current;
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
    };
  }

  private runs: WatchedRun[] = [];
  private readonly models = new Map<string, RunModel>();
  private problems: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private runsDir: string,
    runIds: string[],
  ) {
    const webview = panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', name)).toString();
    webview.html = compareHtml({ cspSource: webview.cspSource, scriptUri: asset('compare.js'), styleUri: asset('compare.css') });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m: CompareToExtension) => void this.onMessage(m)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.loadModels()),
    );
    this.setRuns(runsDir, runIds);
  }

  /** The ids shown, in order. */
  get runIds(): string[] {
    return this.runs.map((r) => r.id);
  }

  setRuns(runsDir: string, runIds: string[]): void {
    this.runsDir = runsDir;
    const kept = new Map(this.runs.map((r) => [r.id, r]));
    this.problems = [];
    const next: WatchedRun[] = [];
    for (const given of runIds) {
      try {
        const { id, dir } = resolveRunId(runsDir, given);
        if (next.some((r) => r.id === id)) continue;
        next.push(kept.get(id) ?? new WatchedRun(id, dir));
      } catch (err) {
        this.problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    this.runs = next;
    for (const id of [...this.models.keys()]) if (!next.some((r) => r.id === id)) this.models.delete(id);
    for (const p of this.problems) void vscode.window.showWarningMessage(vscode.l10n.t('CNN Explorer: {0}', p));
    this.updateTitle();
    this.post();
    this.loadModels();
    this.schedule();
  }

  private updateTitle(): void {
    const names = this.runs.map((r) => r.meta.name ?? r.record.model.name);
    this.panel.title = names.length ? vscode.l10n.t('Compare: {0}', names.join(' · ')).slice(0, 60) : vscode.l10n.t('Compare Runs');
  }

  private architectureState(): CompareArchitectureState {
    if (!vscode.workspace.isTrusted) return 'untrusted';
    return this.runs.every((r) => this.models.has(r.id)) ? 'ready' : 'loading';
  }

  private post(): void {
    if (!this.ready || this.disposed) return;
    let message: ExtensionToCompare;
    if (!this.runs.length) {
      message = {
        type: 'empty', runsDir: this.runsDir,
        message: this.problems.length ? this.problems.join('\n') : vscode.l10n.t('No runs to compare: use "Add runs…" or pick runs in the sidebar.'),
      };
    } else {
      const state = this.architectureState();
      const models = state === 'ready' ? this.runs.map((r) => this.models.get(r.id) ?? null) : undefined;
      message = {
        type: 'comparison', runsDir: this.runsDir, architecture: state,
        live: this.runs.filter((r) => r.live).map((r) => r.id),
        comparison: compareRuns(this.runs.map((r) => r.input()), models),
      };
    }
    void this.panel.webview.postMessage(message);
  }

  /** Rebuilds each run's model from the copy of its file in run.json (trusted workspaces only). */
  private loadModels(): void {
    if (!vscode.workspace.isTrusted) return;
    const missing = this.runs.filter((r) => !this.models.has(r.id));
    if (!missing.length) return;
    void Promise.all(missing.map(async (r) => {
      this.models.set(r.id, await loadRunModel(r.record));
    })).then(() => this.post());
  }

  /** Polls while a compared run is live; stops when none is. */
  private schedule(): void {
    if (this.timer || this.disposed || !this.runs.some((r) => r.live)) return;
    this.timer = setInterval(() => {
      if (this.refresh()) this.post();
      if (!this.runs.some((r) => r.live)) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, LIVE_POLL_MS);
  }

  /** Re-reads every run; true when something changed. */
  private refresh(): boolean {
    let changed = false;
    for (const r of this.runs) changed = r.refresh() || changed;
    if (changed) this.updateTitle();
    return changed;
  }

  private find(runId: string): WatchedRun | undefined {
    return this.runs.find((r) => r.id === runId);
  }

  private async onMessage(message: CompareToExtension): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.refresh();
        this.post();
        break;
      case 'rename': {
        const run = this.find(message.runId);
        if (run && await renameRun(run.id, run.dir)) this.changed();
        break;
      }
      case 'editTags': {
        const run = this.find(message.runId);
        if (run && await editRunTags(run.id, run.dir)) this.changed();
        break;
      }
      case 'delete': {
        const run = this.find(message.runId);
        if (run && await deleteRun(run.id, run.dir)) {
          this.setRuns(this.runsDir, this.runIds.filter((id) => id !== run.id));
          void vscode.window.showInformationMessage(vscode.l10n.t('Deleted run {0}.', run.id));
        }
        break;
      }
      case 'remove':
        this.setRuns(this.runsDir, this.runIds.filter((id) => id !== message.runId));
        break;
      case 'addRuns': {
        const more = await pickRuns(this.runsDir, this.runIds, vscode.l10n.t('Add runs to the comparison'));
        if (more) this.setRuns(this.runsDir, [...this.runIds, ...more]);
        break;
      }
      case 'export': {
        const { type: _, ...request } = message;
        await deliverExport(request, vscode.workspace.workspaceFolders?.[0]?.uri);
        break;
      }
      default:
        assertNever(message, 'compare view');
    }
  }

  private changed(): void {
    this.refresh();
    this.updateTitle();
    this.post();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** For tests and the status line: where the runs come from. */
  get folder(): string {
    return path.resolve(this.runsDir);
  }
}
