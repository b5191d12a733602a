import * as vscode from 'vscode';
import { pickActiveModel } from '../activeModel';
import type { ModelDocuments } from '../modelDocuments';
import { exportSummary } from './exportSummary';
import { summaryText } from './summaryText';

// CNN: Show Model Summary — the summary table in a read-only virtual document beside the
// editor, rewritten whenever its model file is re-evaluated.
// A summary's URI names its model file and export: cnn-summary:<path> summary (<export>)?<query>.
// CNN: Export Summary… (also a button on the summary's title bar) copies or saves it as Markdown,
// CSV or LaTeX.

const SCHEME = 'cnn-summary';

function summaryUri(source: vscode.Uri, exportName: string): vscode.Uri {
  const query = new URLSearchParams({ source: source.toString(), export: exportName }).toString();
  return vscode.Uri.from({ scheme: SCHEME, path: `${source.path} summary (${exportName})`, query });
}

function parseSummaryUri(uri: vscode.Uri): { source: vscode.Uri; exportName: string } | undefined {
  const params = new URLSearchParams(uri.query);
  const source = params.get('source'), exportName = params.get('export');
  return source && exportName ? { source: vscode.Uri.parse(source), exportName } : undefined;
}

export function registerSummary(documents: ModelDocuments): vscode.Disposable {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent(uri) {
      const parsed = parseSummaryUri(uri);
      const state = parsed && documents.get(parsed.source);
      if (!parsed || !state) return `${vscode.l10n.t('Open the model file to see its summary.')}\n`;
      return summaryText(state.models, parsed.exportName, state);
    },
  };

  const show = async (uri?: vscode.Uri, exportName?: string): Promise<void> => {
    const picked = await pickActiveModel(documents, uri, exportName);
    if (!picked) return;
    const doc = await vscode.workspace.openTextDocument(summaryUri(picked.doc.uri, picked.model.exportName));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
  };

  // From a summary document (its title bar's button, or the palette while it is in front): its
  // model; else the model file given or in view.
  const exportCommand = async (uri?: vscode.Uri): Promise<void> => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const shown = target?.scheme === SCHEME ? parseSummaryUri(target) : undefined;
    const picked = shown ? await pickActiveModel(documents, shown.source, shown.exportName) : await pickActiveModel(documents, uri);
    if (picked) await exportSummary(picked.doc.uri, picked.model);
  };

  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand('cnnExplorer.showSummary', show),
    vscode.commands.registerCommand('cnnExplorer.exportSummary', exportCommand),
    documents.onDidUpdate((state) => {
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme === SCHEME && parseSummaryUri(doc.uri)?.source.toString() === state.uri.toString()) changed.fire(doc.uri);
      }
    }),
  );
}
