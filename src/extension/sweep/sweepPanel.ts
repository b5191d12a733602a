import * as vscode from 'vscode';
import { assertNever } from '../../shared/assertNever';
import { SWEEP_VIEW_TYPE, type ExtensionToSweep, type SweepToExtension } from '../../shared/messages';
import { COMPARE_RUNS_COMMAND } from '../compare/register';
import { sweepHtml } from './html';
import { readSweep } from './readSweep';

// The sweep panel: one editor-area webview showing many runs as a table and a parallel-
// coordinates chart. It reads the run folders once per `show` and posts the table; the webview
// filters, sorts and draws it, and asks back to open a run or compare some.

export class SweepPanel implements vscode.Disposable {
  private static current: SweepPanel | undefined;

  static disposeCurrent(): void {
    SweepPanel.current?.dispose();
  }

  /** Shows these runs (replacing what the panel showed), creating the panel if needed. */
  static show(context: vscode.ExtensionContext, runsDir: string, runIds: string[]): SweepPanel {
    const existing = SweepPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      existing.setRuns(runsDir, runIds);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(SWEEP_VIEW_TYPE, vscode.l10n.t('Sweep'), vscode.ViewColumn.Active, SweepPanel.options(context));
    SweepPanel.current = new SweepPanel(panel, context, runsDir, runIds);
    return SweepPanel.current;
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, runsDir: string, runIds: string[]): void {
    SweepPanel.current?.dispose();
    panel.webview.options = SweepPanel.options(context);
    SweepPanel.current = new SweepPanel(panel, context, runsDir, runIds);
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')] };
  }

  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(private readonly panel: vscode.WebviewPanel, context: vscode.ExtensionContext, private runsDir: string, private runIds: string[]) {
    const webview = panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', name)).toString();
    webview.html = sweepHtml({ cspSource: webview.cspSource, scriptUri: asset('sweep.js'), styleUri: asset('sweep.css') });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m: SweepToExtension) => this.onMessage(m)),
    );
    this.updateTitle();
  }

  setRuns(runsDir: string, runIds: string[]): void {
    this.runsDir = runsDir;
    this.runIds = runIds;
    this.updateTitle();
    this.post();
  }

  private updateTitle(): void {
    this.panel.title = vscode.l10n.t('Sweep: {0} runs', this.runIds.length);
  }

  private post(): void {
    if (!this.ready || this.disposed) return;
    const { table, problems } = readSweep(this.runsDir, this.runIds);
    const message: ExtensionToSweep = table.runs.length
      ? { type: 'sweep', table, runsDir: this.runsDir, problems }
      : { type: 'empty', message: problems.length ? problems.join('\n') : vscode.l10n.t('No runs to show: pick runs in the sidebar, or train a sweep with `cnn-explorer train FILE --sweep key=[a,b]`.') };
    void this.panel.webview.postMessage(message);
  }

  private onMessage(message: SweepToExtension): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post();
        break;
      case 'openRun':
        void vscode.commands.executeCommand(COMPARE_RUNS_COMMAND, { runIds: [message.runId], runsDir: this.runsDir });
        break;
      case 'compare':
        void vscode.commands.executeCommand(COMPARE_RUNS_COMMAND, { runIds: message.runIds, runsDir: this.runsDir });
        break;
      default:
        assertNever(message, 'sweep view');
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (SweepPanel.current === this) SweepPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
