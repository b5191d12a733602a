import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeModel } from '../analysis/index';
import { LocatedError } from '../dsl/errors';
import { parseSetArgument } from '../engine/training/overrides';
import { pytorchModule } from '../interop/pytorchExport';
import { writeTrainingJob } from '../engine/torch/job/trainingJob';
import { loadModelFile, selectModel } from '../loader/index';
import { tr } from '../shared/l10n/translate';
import { integerFlag, oneFileProblem, parseCommandArgs, UsageError, usageLine } from './args';

// `cnn-explorer export FILE [--model EXPORT] --format pytorch [-o OUT.py]`: the model as source
// code of another framework, for people who take it further there. Written to OUT atomically
// (a reader never sees half a module), else to stdout. With --with-training, OUT is a folder: a
// training job that needs only PyTorch (src/engine/torch/job/trainingJob.ts).

const USAGE = 'export FILE [--model EXPORT] --format pytorch [-o OUT.py | --with-training -o DIR '
  + '[--set key.path=value]… [--limit-train N] [--limit-test N] [--data-dir DIR]]';
const FORMATS = ['pytorch'] as const;


export async function exportCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'with-training': { type: 'boolean' },
    set: { type: 'string', multiple: true },
    'limit-train': { type: 'string' },
    'limit-test': { type: 'string' },
    'data-dir': { type: 'string' },
  }, USAGE);
  if (positionals.length !== 1) {
    throw new UsageError(`${oneFileProblem(positionals.length)}\n${usageLine(USAGE)}`);
  }
  if (values.format === undefined) throw new UsageError(`missing --format (formats: ${FORMATS.join(', ')})`);
  if (!(FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${values.format}'`);
  }
  const file = positionals[0]!;
  if (values['with-training']) return exportJob(file, values);
  const jobOnly = (['set', 'limit-train', 'limit-test', 'data-dir'] as const).find((k) => values[k] !== undefined);
  if (jobOnly) throw new UsageError(`--${jobOnly} is an option of --with-training\n${usageLine(USAGE)}`);
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
  console.log(tr('wrote {0}: {1} as a PyTorch module (build_model() returns it)', values.output, model.name));
}

async function exportJob(file: string, values: {
  model?: string; output?: string; set?: string[]; 'limit-train'?: string; 'limit-test'?: string; 'data-dir'?: string;
}): Promise<void> {
  if (values.output === undefined) throw new UsageError(`--with-training writes a folder: give it with -o DIR\n${usageLine(USAGE)}`);
  if (values.model === 'all') throw new UsageError(`--with-training exports one model: name it with --model EXPORT\n${usageLine(USAGE)}`);
  const job = await writeTrainingJob({
    file, exportName: values.model, dir: values.output,
    overrides: (values.set ?? []).map(parseSetArgument),
    data: {
      dataDir: values['data-dir'],
      limitTrain: integerFlag('--limit-train', values['limit-train'], 1, USAGE),
      limitTest: integerFlag('--limit-test', values['limit-test'], 1, USAGE),
    },
  });
  console.log(tr('wrote {0}: a training job for {1} ({2}); run it with python train.py there (README.md)', values.output, job.modelName, job.dataset));
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
