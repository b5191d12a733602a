import type * as vscode from 'vscode';
import { analyzeModel } from '../../analysis/index';
import type { AnalyzedModel } from '../../analysis/types';
import { loadModelFile } from '../../loader/index';

// Another version of a model file, analysed: its text (from git, or another file) evaluated as
// the file at `uri`, by the same loader and sandbox as the open document, so its relative
// imports resolve from the file's own folder.

/** One side of an architecture diff: what it is called and the models it exports. */
export interface ModelVersion {
  /** For the header and the panel title: `HEAD`, `main`, `lenet-wide.cnn.ts`. */
  label: string;
  models: AnalyzedModel[];
}

export async function analyzeVersion(uri: vscode.Uri, text: string, label: string): Promise<ModelVersion> {
  const loaded = await loadModelFile(uri.fsPath, { text });
  return { label, models: loaded.models.map((m) => ({ exportName: m.exportName, model: m.model, analysis: analyzeModel(m.model) })) };
}

/** The model of `version` that stands for `exportName`: the same export, else its first (default) one. */
export function counterpart(version: ModelVersion, exportName: string): AnalyzedModel | undefined {
  return version.models.find((m) => m.exportName === exportName) ?? version.models[0];
}
