import * as vscode from 'vscode';
import { isModelDocument, type ModelDocuments } from '../modelDocuments';
import { inlayLabels } from './inlay';
import { MODEL_SELECTOR, toVsPosition } from './vscodeRanges';

// `→ 28×28×6` after each layer call (see inlay.ts); `cnnExplorer.inlayHints.enabled` turns it off.

const SETTING = 'cnnExplorer.inlayHints.enabled';

export function registerInlayHints(documents: ModelDocuments): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.InlayHintsProvider = {
    onDidChangeInlayHints: changed.event,
    provideInlayHints(doc, range) {
      if (!isModelDocument(doc) || !vscode.workspace.getConfiguration().get<boolean>(SETTING, true)) return [];
      const state = documents.get(doc.uri);
      if (!state) return [];
      return inlayLabels(state.models, doc.fileName, state.stale)
        // Stale results carry an older text's positions: keep them inside the document.
        .map((l) => ({ position: doc.validatePosition(toVsPosition(l.position)), label: l.label }))
        .filter((l) => range.contains(l.position))
        .map((l) => {
          const hint = new vscode.InlayHint(l.position, l.label, vscode.InlayHintKind.Type);
          hint.paddingLeft = true;
          return hint;
        });
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerInlayHintsProvider(MODEL_SELECTOR, provider),
    documents.onDidUpdate(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(SETTING)) changed.fire(); }),
  );
}
