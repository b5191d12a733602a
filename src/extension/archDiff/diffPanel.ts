import * as path from 'node:path';
import * as vscode from 'vscode';
import { mergeArchitectures } from '../../runs/archMerge';
import { assertNever } from '../../shared/assertNever';
import { ARCH_DIFF_VIEW_TYPE, type ExtensionToGraph, type GraphToExtension } from '../../shared/messages';
import { deliverExport } from '../deliverExport';
import type { ModelDocuments, ModelState } from '../modelDocuments';
import { graphHtml } from '../graph/html';
import { counterpart, type ModelVersion } from './versions';

// The architecture diff panel: the graph webview showing an older version of a model (HEAD, a
// revision, another file) and the document as it is now, merged. The older side is analysed
// once when the panel opens; the document's side follows every re-evaluation, so the diff
// updates as the user edits.

export class ArchDiffPanel implements vscode.Disposable {
  private static current: ArchDiffPanel | undefined;

  private exportName: string;
  private removedIds = new Set<string>();
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the diff of the document at `uri` against `before` (reusing the open diff panel). */
  static show(context: vscode.ExtensionContext, documents: ModelDocuments, uri: vscode.Uri, exportName: string, before: ModelVersion): void {
    ArchDiffPanel.current?.dispose();
    const panel = vscode.window.createWebviewPanel(
      ARCH_DIFF_VIEW_TYPE, '', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(context.extensionUri, 'media')],
      },
    );
    ArchDiffPanel.current = new ArchDiffPanel(panel, context, documents, uri, exportName, before);
  }

  static disposeCurrent(): void {
    ArchDiffPanel.current?.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly documents: ModelDocuments,
    private readonly uri: vscode.Uri,
    exportName: string,
    private readonly before: ModelVersion,
  ) {
    this.exportName = exportName;
    const webview = panel.webview;
    webview.html = graphHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', 'graph.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'graph.css')).toString(),
    });
    panel.title = vscode.l10n.t('Δ {0} · {1}', path.basename(uri.fsPath), before.label);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m: GraphToExtension) => void this.onMessage(m)),
      documents.onDidUpdate((state) => {
        if (state.uri.toString() === uri.toString()) this.postState(state);
      }),
    );
  }

  private post(message: ExtensionToGraph): void {
    void this.panel.webview.postMessage(message);
  }

  private async sendCurrent(): Promise<void> {
    try {
      const doc = await vscode.workspace.openTextDocument(this.uri);
      this.postState(await this.documents.ensure(doc));
    } catch (err) {
      this.postError(vscode.l10n.t('cannot open {0}: {1}', this.uri.fsPath, err instanceof Error ? err.message : String(err)));
    }
  }

  private postError(message: string): void {
    this.post({
      type: 'update', documentUri: this.uri.toString(), documentLabel: path.basename(this.uri.fsPath), exports: [], graph: null, stale: false,
      error: { message, location: null },
    });
  }

  private postState(state: ModelState): void {
    const after = state.models.find((m) => m.exportName === this.exportName) ?? state.models[0];
    const before = after ? counterpart(this.before, after.exportName) : undefined;
    const error = state.error ? { message: state.error.message, location: state.error.location } : null;
    if (!after || !before) {
      const why = after ? vscode.l10n.t('The version at {0} exports no model.', this.before.label) : null;
      this.post({
        type: 'update', documentUri: state.uri.toString(), documentLabel: path.basename(state.uri.fsPath), exports: [], graph: null,
        stale: false, error: error ?? (why ? { message: why, location: null } : null),
      });
      return;
    }
    const merged = mergeArchitectures(before, after, { before: this.before.label, after: path.basename(state.uri.fsPath) });
    this.removedIds = new Set(Object.entries(merged.diff.layers).filter(([, d]) => d.status === 'removed').map(([id]) => id));
    this.post({
      type: 'update', documentUri: state.uri.toString(), documentLabel: path.basename(state.uri.fsPath),
      exports: state.models.map((m) => m.exportName), graph: merged.graph, stale: state.stale, error, diff: merged.diff,
    });
  }

  private async onMessage(message: GraphToExtension): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.sendCurrent();
        break;
      case 'reveal': {
        // A removed layer's call is in the older text, not in the editor.
        if (message.nodeId && this.removedIds.has(message.nodeId)) break;
        const s = message.source;
        const range = new vscode.Range(s.line - 1, s.column - 1, s.endLine - 1, s.endColumn - 1);
        await vscode.window.showTextDocument(vscode.Uri.file(s.file), { viewColumn: vscode.ViewColumn.One, selection: range });
        break;
      }
      case 'selectExport':
        this.exportName = message.exportName;
        await this.sendCurrent();
        break;
      case 'export': {
        const saved = await deliverExport({ ...message, to: 'file', what: vscode.l10n.t('architecture diff') }, vscode.Uri.joinPath(this.uri, '..'));
        this.post({ type: 'exported', format: message.format, path: saved, error: null });
        break;
      }
      case 'insight': // the diff merges two versions: no run's activations to show (the view does not ask)
        break;
      default:
        assertNever(message, 'architecture diff view');
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ArchDiffPanel.current === this) ArchDiffPanel.current = undefined;
    this.disposables.forEach((d) => d.dispose());
    this.disposables.length = 0;
    this.panel.dispose();
  }
}
