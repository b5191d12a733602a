// `cnn-explorer evaluate RUN`: the run's best checkpoint on its test set, again (same dataset,
// same pixel permutation and normalization as in training). Short, so it runs in this process.
import * as path from 'node:path';
import { describeBackend, isTfjsBackendPreference, selectBackend, TFJS_BACKEND_PREFERENCES } from '../engine/backends/index';
import { loadDataset } from '../engine/data/index';
import type { RunSpec } from '../engine/trainer/spec';
import { loadCheckpoint } from '../engine/training/checkpoints';
import { checkpointFormat, readCheckpointMeta } from '../runs/checkpointFiles';
import { prepareData } from '../engine/training/data';
import { evaluateSplit } from '../engine/training/evaluate';
import { outputKind } from '../engine/training/loss';
import { readJson } from '../runs/files';
import { defaultRunsDir, findRun, runPaths } from '../runs/store';
import { decimal, exactCount, percent } from '../shared/format';
import { parseCommandArgs, UsageError } from './args';

const USAGE = `evaluate RUN [--checkpoint best|last] [--runs-dir DIR] [--data-dir DIR] [--backend ${TFJS_BACKEND_PREFERENCES.join('|')}] [--json]`;

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

export async function evaluateCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseCommandArgs(argv, {
    checkpoint: { type: 'string' },
    'runs-dir': { type: 'string' },
    'data-dir': { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`expected one run id\nusage: cnn-explorer ${USAGE}`);
  const which = (v.checkpoint ?? 'best') as 'best' | 'last';
  if (which !== 'best' && which !== 'last') throw new UsageError(`--checkpoint must be best or last\nusage: cnn-explorer ${USAGE}`);
  const preference = v.backend ?? 'auto';
  if (!isTfjsBackendPreference(preference)) {
    // Evaluation runs here, on tfjs; a run trained on torch evaluates on it too (same weights).
    throw new UsageError(`--backend must be one of ${TFJS_BACKEND_PREFERENCES.join(', ')} (evaluate runs on tfjs), got '${preference}'\nusage: cnn-explorer ${USAGE}`);
  }
  const runsDir = path.resolve(v['runs-dir'] ?? defaultRunsDir());
  const found = findRun(runsDir, positionals[0]!);
  if (!found) throw new Error(`no run '${positionals[0]}' in ${runsDir}`);
  const paths = runPaths(found.dir);
  const spec = readJson<RunSpec>(paths.spec);
  if (!spec || !found.record) throw new Error(`run ${found.id} has no readable spec.json/run.json`);
  const dir = which === 'best' ? paths.best : paths.last;
  if (checkpointFormat(dir) === null) throw new Error(`run ${found.id} has no ${which} checkpoint`);

  const backend = await selectBackend(preference);
  process.stderr.write(`${describeBackend(backend)}\n`);
  const dataset = await loadDataset(spec.config.dataset, { ...spec.data, dataDir: v['data-dir'] ?? spec.data.dataDir });
  const data = prepareData(dataset, spec.config);
  const norm = found.record.dataset?.normalization;
  if (norm) { data.mean = norm.mean; data.std = norm.std; } // exactly what training used
  const model = await loadCheckpoint(dir, spec.model.ir);
  const ev = await evaluateSplit(model, data.test, data, {
    batchSize: spec.config.batchSize, inputShape: spec.model.ir.inputShape, kind: outputKind(spec.model.ir),
  });
  model.dispose();
  const result: EvaluateResult = {
    runId: found.id, checkpoint: which, epoch: readCheckpointMeta(dir)?.epoch ?? null,
    testAccuracy: ev!.accuracy, testLoss: ev!.loss, count: ev!.count,
    perClassAccuracy: ev!.perClassAccuracy, classNames: data.classNames, confusionMatrix: ev!.confusionMatrix,
  };
  if (v.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  process.stdout.write(`run ${found.id}, ${which} checkpoint (epoch ${result.epoch ?? '?'}): test accuracy ${percent(result.testAccuracy)}, loss ${decimal(result.testLoss)} over ${exactCount(result.count)} images\n`);
  const width = Math.max(...result.classNames.map((c) => c.length));
  result.classNames.forEach((c, i) => process.stdout.write(`  ${c.padEnd(width)}  ${percent(result.perClassAccuracy[i])}\n`));
}
