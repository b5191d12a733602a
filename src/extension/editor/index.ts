import type * as vscode from 'vscode';
import type { ModelDocuments } from '../modelDocuments';
import { registerCodeLens } from './codeLens';
import { registerDiagnostics } from './diagnostics';
import { registerHover } from './hoverProvider';
import { registerInlayHints } from './inlayHintsProvider';
import { registerTrustNotice } from './trust';

// The editor features of model files: hovers, inlay hints, diagnostics, CodeLens and the
// Workspace Trust notice. All read ModelDocuments; none evaluates a file itself.

export function registerEditorFeatures(context: vscode.ExtensionContext, documents: ModelDocuments): void {
  context.subscriptions.push(
    registerHover(documents),
    registerInlayHints(documents),
    registerDiagnostics(documents),
    registerCodeLens(documents),
    registerTrustNotice(),
  );
}
