import * as vscode from 'vscode';
import { analyzeModel } from '../analysis/index';
import type { AnalyzedModel } from '../analysis/types';
import { LocatedError } from '../dsl/errors';
import { trainingBudget } from '../engine/training/memory';
import { loadModelFile } from '../loader/index';

// The one place the extension turns model documents into IR and analysis. Hovers, inlay hints,
// diagnostics, CodeLens and the graph all subscribe here; none loads a file on its own.

export interface ModelState {
  uri: vscode.Uri;
  version: number;
  /** The last models that evaluated; kept when a later edit breaks the file. */
  models: AnalyzedModel[];
  /** The file's `training` export as evaluated (unchecked), kept with the models it came with. */
  training: unknown;
  /** Why the current text does not evaluate, or null. */
  error: LocatedError | null;
  /** True when `models` are from an earlier version than the text (the file no longer evaluates). */
  stale: boolean;
}

export function isModelDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && doc.fileName.endsWith('.cnn.ts');
}

export class ModelDocuments implements vscode.Disposable {
  private readonly states = new Map<string, ModelState>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly emitter = new vscode.EventEmitter<ModelState>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires after every (re-)evaluation of a model document. */
  readonly onDidUpdate = this.emitter.event;

  constructor(private readonly debounceMs = 250) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.states.delete(d.uri.toString())),
      // Trust granted: evaluate what was refused while untrusted.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleOpen()),
      // Helper modules a model file imports are read from disk: a saved one may change any model.
      vscode.workspace.onDidSaveTextDocument((d) => { if (!isModelDocument(d) && d.languageId === 'typescript') this.scheduleOpen(); }),
    );
    // Documents open before activation get no open event.
    this.scheduleOpen();
  }

  private scheduleOpen(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  get(uri: vscode.Uri): ModelState | undefined {
    return this.states.get(uri.toString());
  }

  /** Every open model document's state (hovers in helper modules look through them all). */
  all(): ModelState[] {
    return [...this.states.values()];
  }

  /** The state for this document's current text, evaluating it now if needed. */
  async ensure(doc: vscode.TextDocument): Promise<ModelState> {
    const known = this.states.get(doc.uri.toString());
    if (known && known.version === doc.version) return known;
    return this.evaluate(doc);
  }

  private schedule(doc: vscode.TextDocument, delay = this.debounceMs): void {
    if (!isModelDocument(doc) || !vscode.workspace.isTrusted) return;
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.evaluate(doc);
    }, delay));
  }

  private async evaluate(doc: vscode.TextDocument): Promise<ModelState> {
    const key = doc.uri.toString();
    const previous = this.states.get(key);
    const version = doc.version;
    let state: ModelState;
    try {
      const loaded = await loadModelFile(doc.fileName, { text: doc.getText() });
      // The file's batch size and this machine's memory: a model that cannot train here is warned about.
      const budget = trainingBudget(loaded.training);
      const models = loaded.models.map((m) => ({ ...m, analysis: analyzeModel(m.model, budget) }));
      state = { uri: doc.uri, version, models, training: loaded.training, error: null, stale: false };
    } catch (err) {
      const error = err instanceof LocatedError ? err : new LocatedError(`cannot evaluate the model file: ${String(err)}`);
      state = { uri: doc.uri, version, models: previous?.models ?? [], training: previous?.training, error, stale: (previous?.models.length ?? 0) > 0 };
    }
    // A slower evaluation of an older text must not overwrite a newer one.
    const latest = this.states.get(key);
    if (latest && latest.version > version) return latest;
    this.states.set(key, state);
    this.emitter.fire(state);
    return state;
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
    this.emitter.dispose();
  }
}
