import * as vscode from 'vscode';
import type { ModelDocuments, ModelState } from '../modelDocuments';
import { problemsOf } from './problems';
import { toVsRange } from './vscodeRanges';

// Squiggles: the reason a model file does not evaluate, or its analysis' errors and warnings
// (see problems.ts). Replaced on every evaluation, removed when the document closes.

function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
}

function toDiagnostics(state: ModelState): vscode.Diagnostic[] {
  return problemsOf(state.models, state.error, state.uri.fsPath).map((p) => {
    const range = p.range ? toVsRange(p.range) : new vscode.Range(0, 0, 0, 0);
    const severity = p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
    const diagnostic = new vscode.Diagnostic(range, p.message, severity);
    diagnostic.source = 'CNN Explorer';
    return diagnostic;
  });
}

export function registerDiagnostics(documents: ModelDocuments): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('cnn-explorer');
  return vscode.Disposable.from(
    collection,
    documents.onDidUpdate((state) => {
      // An evaluation scheduled before the document closed must not bring its squiggles back.
      if (isOpen(state.uri)) collection.set(state.uri, toDiagnostics(state));
      else collection.delete(state.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri)),
  );
}
