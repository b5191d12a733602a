import * as vscode from 'vscode';
import { GRAPH_VIEW_TYPE, type GraphPersistedState } from '../../shared/messages';
import { pickActiveModel } from '../activeModel';
import type { ModelDocuments } from '../modelDocuments';
import { GraphPanel } from './graphPanel';

// The graph feature's registration: the "CNN: Show Model Graph" command and the serializer
// that brings the panel back after a window reload.

export const SHOW_GRAPH_COMMAND = 'cnnExplorer.showGraph';

export function registerGraphView(context: vscode.ExtensionContext, documents: ModelDocuments): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, async (uri?: vscode.Uri, exportName?: string) => {
      const picked = await pickActiveModel(documents, uri instanceof vscode.Uri ? uri : undefined, exportName);
      if (picked) GraphPanel.show(context, documents, picked.doc.uri, picked.model.exportName);
    }),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const saved = (state ?? {}) as Partial<GraphPersistedState>;
        const uri = typeof saved.documentUri === 'string' ? vscode.Uri.parse(saved.documentUri) : null;
        const exportName = typeof saved.exportName === 'string' ? saved.exportName : null;
        GraphPanel.revive(panel, context, documents, uri, exportName);
      },
    }),
    { dispose: () => GraphPanel.disposeCurrent() },
  );
}
