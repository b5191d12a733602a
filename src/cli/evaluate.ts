// `cnn-explorer evaluate RUN`: the run's best checkpoint on its test set, again (same dataset,
// same pixel permutation and normalization as in training). On tfjs it runs in this process; on
// torch in the Python that has PyTorch (src/engine/torch/evaluateOnTorch.ts). Both engines'
// checkpoints hold the same state_dict, so either evaluates a run trained on the other.
import * as path from 'node:path';
import { describeBackend, selectBackend } from '../engine/backends/index';
import { loadDataset } from '../engine/data/index';
import { resizeToInput } from '../engine/data/resize';
import { evaluateOnTorch } from '../engine/torch/evaluateOnTorch';
import { findTorchPython, TorchNotFoundError, type TorchPython } from '../engine/torch/python';
import type { RunSpec } from '../engine/trainer/spec';
import { loadCheckpoint } from '../engine/training/checkpoints';
import { prepareData } from '../engine/training/data';
import { evaluateSplit, type Evaluation } from '../engine/training/evaluate';
import { outputKind } from '../engine/training/loss';
import { CHECKPOINT_WEIGHTS, checkpointFormat, readCheckpointMeta } from '../runs/checkpointFiles';
import { defaultRunsDir } from '../runs/store';
import type { RunRecord } from '../runs/types';
import { BACKEND_PREFERENCES, isBackendPreference, type BackendPreference, type TfjsBackendPreference } from '../shared/backends';
import { decimal, exactCount, percent } from '../shared/format';
import { tr } from '../shared/l10n/translate';
import { parseCommandArgs, UsageError, usageLine } from './args';
import { readNamedRun } from './namedRun';

const USAGE = `evaluate RUN [--checkpoint best|last] [--runs-dir DIR] [--data-dir DIR] [--backend ${BACKEND_PREFERENCES.join('|')}] [--python PATH] [--json]`;

export interface EvaluateResult {
  runId: string;
  checkpoint: 'best' | 'last';
  epoch: number | null;
  testAccuracy: number;
  testLoss: number;
  count: number;
  perClassAccuracy: number[];
  classNames: string[];
  confusionMatrix: number[][];
}

type Normalization = NonNullable<RunRecord['dataset']>['normalization'];

/** Which engine evaluates: torch when asked, or for `auto` when torch trained the run and a Python has it; else tfjs. */
type EvaluateEngine =
  | { engine: 'torch'; python: TorchPython; reason: string }
  | { engine: 'tfjs'; preference: TfjsBackendPreference; note: string };

async function chooseEvaluateEngine(preference: BackendPreference, record: RunRecord, format: 'safetensors' | 'tfjs', pythonFlag: string | undefined): Promise<EvaluateEngine> {
  const candidates = pythonFlag ? [{ python: pythonFlag, from: '--python' }] : [];
  if (preference === 'torch') {
    if (format === 'tfjs') {
      throw new Error(`run ${record.id}'s checkpoint is in the older tfjs format, which only the tfjs backends read: evaluate it with --backend auto or a tfjs backend`);
    }
    try {
      return { engine: 'torch', python: await findTorchPython(candidates), reason: 'requested' };
    } catch (err) {
      if (err instanceof TorchNotFoundError) throw new Error(`backend 'torch' is not available: ${err.message}`, { cause: err });
      throw err;
    }
  }
  if (preference !== 'auto') return { engine: 'tfjs', preference, note: '' };
  // The engine that trained the run gives its own figures again; other runs stay on tfjs,
  // which needs no Python to be looked for.
  if (record.backend?.name !== 'torch' || format === 'tfjs') return { engine: 'tfjs', preference: 'auto', note: '' };
  try {
    return { engine: 'torch', python: await findTorchPython(candidates), reason: 'auto: the run was trained on torch' };
  } catch (err) {
    if (!(err instanceof TorchNotFoundError)) throw err;
    return { engine: 'tfjs', preference: 'auto', note: ' (the run was trained on torch, but no Python here has PyTorch)' };
  }
}

async function evaluateOnTfjs(spec: RunSpec, dir: string, preference: TfjsBackendPreference, dataDir: string | undefined, normalization: Normalization | undefined, note: string): Promise<{ evaluation: Evaluation; classNames: string[] }> {
  const backend = await selectBackend(preference);
  process.stderr.write(`${describeBackend(backend)}${note}\n`);
  // Resized to the model's input as training resized it.
  const { dataset } = resizeToInput(await loadDataset(spec.config.dataset, { ...spec.data, dataDir }), spec.model.ir.inputShape);
  const data = prepareData(dataset, spec.config);
  if (normalization) { data.mean = normalization.mean; data.std = normalization.std; } // exactly what training used
  const model = await loadCheckpoint(dir, spec.model.ir);
  try {
    const evaluation = await evaluateSplit(model, data.test, data, {
      batchSize: spec.config.batchSize, inputShape: spec.model.ir.inputShape, kind: outputKind(spec.model.ir),
    });
    return { evaluation: evaluation!, classNames: data.classNames };
  } finally {
    model.dispose();
  }
}

export async function evaluateCommand(argv: string[], options: { verbose: boolean } = { verbose: false }): Promise<void> {
  const { values: v, positionals } = parseCommandArgs(argv, {
    checkpoint: { type: 'string' },
    'runs-dir': { type: 'string' },
    'data-dir': { type: 'string' },
    backend: { type: 'string' },
    python: { type: 'string' },
    json: { type: 'boolean' },
  }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`expected one run id\n${usageLine(USAGE)}`);
  const which = (v.checkpoint ?? 'best') as 'best' | 'last';
  if (which !== 'best' && which !== 'last') throw new UsageError(`--checkpoint must be best or last\n${usageLine(USAGE)}`);
  const preference = v.backend ?? 'auto';
  if (!isBackendPreference(preference)) {
    throw new UsageError(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}, got '${preference}'\n${usageLine(USAGE)}`);
  }
  const runsDir = path.resolve(v['runs-dir'] ?? defaultRunsDir());
  const found = readNamedRun(runsDir, positionals[0]!);
  const { paths, spec } = found;
  const dir = which === 'best' ? paths.best : paths.last;
  const format = checkpointFormat(dir);
  if (format === null) throw new Error(`run ${found.id} has no ${which} checkpoint`);

  const engine = await chooseEvaluateEngine(preference, found.record, format, v.python);
  const dataDir = v['data-dir'] ?? spec.data.dataDir;
  const normalization = found.record.dataset?.normalization;
  let ev: { evaluation: Evaluation; classNames: string[] };
  if (engine.engine === 'torch') {
    const out = await evaluateOnTorch({
      python: engine.python.python, spec: { ...spec, data: { ...spec.data, dataDir } }, weights: path.join(dir, CHECKPOINT_WEIGHTS),
      normalization: normalization ?? null, verbose: options.verbose,
    });
    process.stderr.write(`backend torch (${out.detail}): ${engine.reason}\n`);
    ev = out;
  } else {
    ev = await evaluateOnTfjs(spec, dir, engine.preference, dataDir, normalization, engine.note);
  }
  const e = ev.evaluation;
  const result: EvaluateResult = {
    runId: found.id, checkpoint: which, epoch: readCheckpointMeta(dir)?.epoch ?? null,
    testAccuracy: e.accuracy, testLoss: e.loss, count: e.count,
    perClassAccuracy: e.perClassAccuracy, classNames: ev.classNames, confusionMatrix: e.confusionMatrix,
  };
  if (v.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const checkpoint = which === 'best' ? tr('best checkpoint') : tr('last checkpoint');
  process.stdout.write(`${tr('run {run}, {checkpoint} (epoch {epoch}): test accuracy {accuracy}, loss {loss} over {count} images', {
    run: found.id, checkpoint, epoch: result.epoch ?? '?', accuracy: percent(result.testAccuracy), loss: decimal(result.testLoss), count: exactCount(result.count),
  })}\n`);
  const width = Math.max(...result.classNames.map((c) => c.length));
  result.classNames.forEach((c, i) => process.stdout.write(`  ${c.padEnd(width)}  ${percent(result.perClassAccuracy[i])}\n`));
}
