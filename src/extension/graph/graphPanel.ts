import * as path from 'node:path';
import * as vscode from 'vscode';
import { sampleImageFor } from './sampleImage';
import { assertNever } from '../../shared/assertNever';
import type { SourceRange } from '../../dsl/ir';
import {
  GRAPH_VIEW_TYPE, type ExtensionToGraph, type GraphExportFormat, type GraphToExtension,
} from '../../shared/messages';
import { isModelDocument, type ModelDocuments, type ModelState } from '../modelDocuments';
import { targetsAt } from './cursor';
import { graphHtml } from './html';
import { answerInsight, InsightProcesses } from '../insight/insightProcess';
import { runForModel } from '../insight/runForModel';
import { workspaceRunsDir } from '../runs/runsDir';

// The graph panel: one webview beside the editor that shows the model of the active model
// document, follows every re-evaluation, reveals calls on click and highlights the node under
// the editor's cursor. The webview only ever talks to this class, through typed messages.

export class GraphPanel implements vscode.Disposable {
  private static current: GraphPanel | undefined;

  static disposeCurrent(): void {
    GraphPanel.current?.dispose();
  }

  private documentUri: vscode.Uri | null;
  private exportName: string | null;
  private lastHighlight = '';
  /** The sample image last sent (the webview keeps it across updates). */
  private sampleSent = '';
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** The run whose feature maps and effective receptive field the view asked for. */
  private readonly insight: InsightProcesses;

  /** Shows the panel for this document (creating it beside the editor if needed). */
  static show(context: vscode.ExtensionContext, documents: ModelDocuments, uri: vscode.Uri, exportName: string | null): GraphPanel {
    const existing = GraphPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, true);
      existing.follow(uri, exportName);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      GRAPH_VIEW_TYPE, vscode.l10n.t('Model Graph'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      GraphPanel.options(context),
    );
    GraphPanel.current = new GraphPanel(panel, context, documents, uri, exportName);
    return GraphPanel.current;
  }

  /** Re-attaches a panel VS Code restored after a reload (see the serializer). */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, documents: ModelDocuments,
    uri: vscode.Uri | null, exportName: string | null): GraphPanel {
    GraphPanel.current?.dispose();
    panel.webview.options = GraphPanel.options(context);
    // Saved before it showed anything: take the model document in the active editor, if any.
    const active = vscode.window.activeTextEditor?.document;
    const target = uri ?? (active && isModelDocument(active) ? active.uri : null);
    GraphPanel.current = new GraphPanel(panel, context, documents, target, uri ? exportName : null);
    return GraphPanel.current;
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(context.extensionUri, 'media'),
      ],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly documents: ModelDocuments,
    uri: vscode.Uri | null,
    exportName: string | null,
  ) {
    this.documentUri = uri;
    this.exportName = exportName;
    this.insight = new InsightProcesses(vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath, 1);
    const webview = panel.webview;
    webview.html = graphHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', 'graph.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'graph.css')).toString(),
    });
    this.updateTitle();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m: GraphToExtension) => void this.onMessage(m)),
      documents.onDidUpdate((state) => {
        if (this.documentUri && state.uri.toString() === this.documentUri.toString()) this.postState(state);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isModelDocument(editor.document)) this.follow(editor.document.uri, null);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onCursor(e.textEditor)),
    );
  }

  /** Switches to another document (or model of it); a no-op for the one already shown. */
  follow(uri: vscode.Uri, exportName: string | null): void {
    const sameDocument = this.documentUri?.toString() === uri.toString();
    if (sameDocument && (exportName === null || exportName === this.exportName)) return;
    this.documentUri = uri;
    if (!sameDocument || exportName !== null) this.exportName = exportName;
    this.lastHighlight = '';
    this.updateTitle();
    void this.sendCurrent();
  }

  private updateTitle(): void {
    this.panel.title = this.documentUri ? vscode.l10n.t('Graph · {0}', path.basename(this.documentUri.fsPath)) : vscode.l10n.t('Model Graph');
  }

  private post(message: ExtensionToGraph): void {
    void this.panel.webview.postMessage(message);
  }

  private async sendCurrent(): Promise<void> {
    const uri = this.documentUri;
    if (!uri) return;
    if (!vscode.workspace.isTrusted) {
      this.post({
        type: 'update', documentUri: uri.toString(), documentLabel: path.basename(uri.fsPath), exports: [], graph: null, stale: false,
        error: { message: 'CNN Explorer evaluates model files only in a trusted workspace.', location: null },
      });
      return;
    }
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      this.postState(await this.documents.ensure(doc));
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      if (editor) this.onCursor(editor);
    } catch (err) {
      this.post({
        type: 'update', documentUri: uri.toString(), documentLabel: path.basename(uri.fsPath), exports: [], graph: null, stale: false,
        error: { message: `cannot open ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`, location: null },
      });
    }
  }

  private current(state: ModelState | undefined) {
    if (!state) return undefined;
    return state.models.find((m) => m.exportName === this.exportName) ?? state.models[0];
  }

  private postState(state: ModelState): void {
    const shown = this.current(state);
    this.post({
      type: 'update',
      documentUri: state.uri.toString(),
      documentLabel: path.basename(state.uri.fsPath),
      exports: state.models.map((m) => m.exportName),
      graph: shown ? { exportName: shown.exportName, model: shown.model, analysis: shown.analysis } : null,
      stale: state.stale,
      error: state.error ? { message: state.error.message, location: state.error.location } : null,
    });
    void sampleImageFor(state.training, state.uri.fsPath).then((image) => {
      if (image && image.dataUri !== this.sampleSent) {
        this.sampleSent = image.dataUri;
        this.post(image);
      }
    });
  }

  /** The cursor in the model file, or in a helper module whose calls made some of its layers. */
  private onCursor(editor: vscode.TextEditor): void {
    if (!this.documentUri || editor.document.uri.scheme !== 'file') return;
    const shown = this.current(this.documents.get(this.documentUri));
    if (!shown) return;
    const pos = editor.selection.active;
    const targets = targetsAt(shown.model, editor.document.fileName, pos.line + 1, pos.character + 1);
    const key = JSON.stringify(targets);
    if (key === this.lastHighlight) return;
    this.lastHighlight = key;
    this.post({ type: 'highlight', ...targets });
  }

  private async onMessage(message: GraphToExtension): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.lastHighlight = '';
        this.sampleSent = '';
        await this.sendCurrent();
        break;
      case 'reveal':
        await revealSource(message.source);
        break;
      case 'selectExport':
        this.exportName = message.exportName;
        this.lastHighlight = '';
        await this.sendCurrent();
        break;
      case 'export':
        await this.save(message.format, message.data, message.suggestedName);
        break;
      case 'insight': {
        const shown = this.documentUri ? this.current(this.documents.get(this.documentUri)) : undefined;
        const runsDir = workspaceRunsDir();
        const runId = runsDir && shown ? runForModel(runsDir, shown.model.name, this.documentUri?.fsPath ?? null) : null;
        this.post(await answerInsight(this.insight, runsDir, runId, message));
        break;
      }
      default:
        assertNever(message, 'graph view');
    }
  }

  private async save(format: GraphExportFormat, data: string, suggestedName: string): Promise<void> {
    const folder = this.documentUri ? vscode.Uri.joinPath(this.documentUri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
      filters: format === 'svg' ? { [vscode.l10n.t('SVG image')]: ['svg'] } : { [vscode.l10n.t('PNG image')]: ['png'] },
      saveLabel: vscode.l10n.t('Export {0}', format.toUpperCase()),
    });
    if (!target) {
      this.post({ type: 'exported', format, path: null, error: null });
      return;
    }
    try {
      const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64');
      await vscode.workspace.fs.writeFile(target, bytes);
      this.post({ type: 'exported', format, path: target.fsPath, error: null });
      void vscode.window.showInformationMessage(vscode.l10n.t('Saved the graph to {0}.', vscode.workspace.asRelativePath(target)));
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.post({ type: 'exported', format, path: null, error });
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the graph: {0}', error));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    this.disposables.forEach((d) => d.dispose());
    this.disposables.length = 0;
    this.insight.dispose();
    this.panel.dispose();
  }
}

/** Shows a call in its editor, selected (the editor beside the graph when one shows it). */
async function revealSource(source: SourceRange): Promise<void> {
  const uri = vscode.Uri.file(source.file);
  const range = new vscode.Range(source.line - 1, source.column - 1, source.endLine - 1, source.endColumn - 1);
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const doc = visible?.document ?? await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, selection: range,
  });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
