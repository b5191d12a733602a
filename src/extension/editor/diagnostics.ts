import * as vscode from 'vscode';
import type { ModelDocuments, ModelState } from '../modelDocuments';
import { exportLines } from './exports';
import { problemsByFile, problemsOf, type PlacedProblem } from './problems';
import { toVsRange } from './vscodeRanges';

// Squiggles: the reason a model file does not evaluate, or its analysis' errors and warnings
// (see problems.ts), in the model file and in the helper modules whose calls cause them.
// Recomputed on every evaluation; a model file's share goes when it closes.

function toDiagnostic(p: PlacedProblem): vscode.Diagnostic {
  const range = p.range ? toVsRange(p.range) : new vscode.Range(0, 0, 0, 0);
  const severity = p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const diagnostic = new vscode.Diagnostic(range, p.message, severity);
  diagnostic.source = 'CNN Explorer';
  return diagnostic;
}

export function registerDiagnostics(documents: ModelDocuments): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('cnn-explorer');
  /** model file → (file path → its problems there). Several model files may share a helper. */
  const shares = new Map<string, Map<string, PlacedProblem[]>>();

  const publish = (files: Iterable<string>): void => {
    for (const file of files) {
      const all = [...shares.values()].flatMap((share) => share.get(file) ?? []);
      const seen = new Set<string>();
      const unique = all.filter((p) => {
        const key = `${p.severity}|${p.message}|${p.range ? `${p.range.line}:${p.range.column}` : ''}`;
        return !seen.has(key) && seen.add(key);
      });
      collection.set(vscode.Uri.file(file), unique.map(toDiagnostic));
    }
  };

  const update = (key: string, share: Map<string, PlacedProblem[]> | undefined): void => {
    const before = [...(shares.get(key)?.keys() ?? [])];
    if (share) shares.set(key, share); else shares.delete(key);
    publish(new Set([...before, ...(share?.keys() ?? [])]));
  };

  const onUpdate = (state: ModelState): void => {
    const key = state.uri.toString();
    // An evaluation scheduled before the document closed must not bring its squiggles back.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!doc) return update(key, undefined);
    const exports = exportLines(doc.getText(), doc.fileName);
    const anchor = (exportName: string | null) => (exportName === null ? null : exports.get(exportName) ?? null);
    update(key, problemsByFile(problemsOf(state.models, state.error), doc.fileName, anchor));
  };

  return vscode.Disposable.from(
    collection,
    documents.onDidUpdate(onUpdate),
    vscode.workspace.onDidCloseTextDocument((doc) => update(doc.uri.toString(), undefined)),
  );
}
