import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeModel } from '../analysis/index';
import { LocatedError } from '../dsl/errors';
import { pytorchModule } from '../interop/pytorchExport';
import { loadModelFile, selectModel } from '../loader/index';
import { parseCommandArgs, UsageError } from './args';

// `cnn-explorer export FILE [--model EXPORT] --format pytorch [-o OUT.py]`: the model as source
// code of another framework, for people who take it further there. Written to OUT atomically
// (a reader never sees half a module), else to stdout.

const USAGE = 'export FILE [--model EXPORT] --format pytorch [-o OUT.py]';
const FORMATS = ['pytorch'] as const;

export async function exportCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
  }, USAGE);
  if (positionals.length !== 1) {
    throw new UsageError(`${positionals.length === 0 ? 'missing FILE' : 'one FILE at a time'}\nusage: cnn-explorer ${USAGE}`);
  }
  if (values.format === undefined) throw new UsageError(`missing --format (formats: ${FORMATS.join(', ')})`);
  if (!(FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${values.format}'`);
  }
  const file = positionals[0]!;
  const loaded = await loadModelFile(file);
  const { exportName, model } = selectModel(loaded, values.model);
  const analysis = analyzeModel(model);
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new LocatedError(`cannot export ${model.name}: ${error.message}`, error.source ?? model.source);
  const text = pytorchModule({ exportName, model, analysis }, { sourceName: path.basename(loaded.file) });
  if (values.output === undefined) {
    process.stdout.write(text);
    return;
  }
  writeTextAtomic(values.output, text);
  console.log(`wrote ${values.output}: ${model.name} as a PyTorch module (build_model() returns it)`);
}

/** Temp file and rename, so that OUT holds the old text or the new, never part of it. */
function writeTextAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot write ${file}: ${e.code === 'ENOENT' ? 'no such folder' : e.message}`, { cause: err });
  }
}
