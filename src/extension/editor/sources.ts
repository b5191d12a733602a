import type * as vscode from 'vscode';
import type { AnalyzedModel } from '../../analysis/types';
import { isModelDocument, type ModelDocuments } from '../modelDocuments';
import { madeIn } from './lookup';

// Which analysed models speak about a document: a model file's own models, or, for a helper
// module (lib/resnet.ts), every open model file's models that were built by calls in it.

export interface DocumentResults {
  results: AnalyzedModel[];
  /** From an older text: the model file no longer evaluates, or the helper has unsaved edits
   *  (helpers are evaluated as saved on disk). */
  stale: boolean;
}

export function resultsFor(documents: ModelDocuments, doc: vscode.TextDocument): DocumentResults | undefined {
  if (isModelDocument(doc)) {
    const state = documents.get(doc.uri);
    return state && { results: state.models, stale: state.stale };
  }
  if (doc.uri.scheme !== 'file') return undefined;
  const states = documents.all().filter((s) => s.models.some((m) => madeIn(m, doc.fileName)));
  if (states.length === 0) return undefined;
  return {
    results: states.flatMap((s) => s.models.filter((m) => madeIn(m, doc.fileName))),
    stale: doc.isDirty || states.some((s) => s.stale),
  };
}
