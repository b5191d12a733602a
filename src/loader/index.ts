import * as path from 'node:path';
import * as dsl from '../dsl/index';
import { LocatedError } from '../dsl/errors';
import { isModelIR, type ModelIR, type SourceRange } from '../dsl/ir';
import { bundleModelFile } from './bundle';
import { evaluateInSandbox, warmSandbox } from './sandbox';

export interface ExportedModel {
  /** The export's name; `default` only when the model has no named export too. */
  exportName: string;
  /** This is the file's default export (possibly also exported by name). */
  isDefault: boolean;
  model: ModelIR;
}

export interface LoadedModelFile {
  file: string;
  /** Each exported model once: the default export first, then the others in file order. */
  models: ExportedModel[];
  /** The `training` export, unchecked (the engine validates it). */
  training: unknown;
}

export interface LoadOptions {
  /** Unsaved editor text in place of the file on disk. */
  text?: string;
  /** Evaluation time limit; ends endless loops. */
  timeoutMs?: number;
  /** Receives the model's console output, line by line, once the evaluation has ended. */
  log?: (line: string) => void;
}

const DSL_EXPORTS = Object.keys(dsl);

/**
 * file → IR: transpile, evaluate in a sandbox (a realm of its own in the evaluation process, see
 * sandbox.ts), collect the exported models.
 */
export async function loadModelFile(file: string, opts: LoadOptions = {}): Promise<LoadedModelFile> {
  const entry = path.resolve(file);
  warmSandbox(); // the first time, the evaluation process starts while esbuild bundles
  const bundle = await bundleModelFile(entry, { text: opts.text, dslExports: DSL_EXPORTS });
  const outcome = await evaluateInSandbox({ bundle, entry, timeoutMs: opts.timeoutMs ?? 2000 });
  if (opts.log) for (const line of outcome.log) opts.log(line);
  if (!outcome.ok) throw new LocatedError(outcome.message, outcome.location);
  const training = outcome.exports.find(([name]) => name === 'training')?.[1];
  return { file: entry, models: exportedModels(outcome.exports), training };
}

/** `export default cnn` beside `export const cnn` is one model: it is listed once, by its name. */
function exportedModels(exports: [string, unknown][]): ExportedModel[] {
  const byModel = new Map<ModelIR, ExportedModel>();
  for (const [name, value] of exports) {
    if (!isModelIR(value)) continue;
    const known = byModel.get(value);
    const isDefault = name === 'default' || (known?.isDefault ?? false);
    const exportName = name !== 'default' ? name : known?.exportName ?? name;
    byModel.set(value, { exportName, isDefault, model: value });
  }
  // esbuild lists exports alphabetically; users think in file order.
  const position = (m: ExportedModel) => (m.model.source ? m.model.source.line * 1e6 + m.model.source.column : 0);
  return [...byModel.values()].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || position(a) - position(b));
}

/** Picks one model of a loaded file: by export name, or the default / only one. */
export function selectModel(loaded: LoadedModelFile, exportName?: string): ExportedModel {
  const at: SourceRange = { file: loaded.file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const names = loaded.models.flatMap((m) => (m.isDefault && m.exportName !== 'default' ? ['default', m.exportName] : [m.exportName]));
  if (loaded.models.length === 0) {
    throw new LocatedError("the file exports no model: add `export default model('Name', [h, w, c], [ ... ])`", at);
  }
  if (exportName !== undefined) {
    const found = loaded.models.find((m) => m.exportName === exportName || (exportName === 'default' && m.isDefault));
    if (!found) throw new LocatedError(`no exported model '${exportName}' (exports: ${names.join(', ')})`, at);
    return found;
  }
  return loaded.models[0]!;
}
