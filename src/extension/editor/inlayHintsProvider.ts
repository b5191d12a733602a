import * as vscode from 'vscode';
import type { ModelDocuments } from '../modelDocuments';
import { inlayLabels } from './inlay';
import { resultsFor } from './sources';
import { SOURCE_SELECTOR, toVsPosition } from './vscodeRanges';

// `→ 28×28×6` after each layer call, in model files and their helper modules (see inlay.ts);
// `cnnExplorer.inlayHints.enabled` turns it off.

const SETTING = 'cnnExplorer.inlayHints.enabled';

export function registerInlayHints(documents: ModelDocuments): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.InlayHintsProvider = {
    onDidChangeInlayHints: changed.event,
    provideInlayHints(doc, range) {
      if (!vscode.workspace.getConfiguration().get<boolean>(SETTING, true)) return [];
      const found = resultsFor(documents, doc);
      if (!found) return [];
      return inlayLabels(found.results, doc.fileName, found.stale)
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
    vscode.languages.registerInlayHintsProvider(SOURCE_SELECTOR, provider),
    documents.onDidUpdate(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(SETTING)) changed.fire(); }),
  );
}
