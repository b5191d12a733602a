// What a torch run needs before PyTorch starts, made by the launcher (launcher.ts) from spec.json:
// the model's PyTorch module in the run folder, the prepared dataset in the cache, and a check
// that the initial weights are there. Each failure is thrown as the tfjs trainer throws it (the
// loaders' DatasetErrors, the configuration's ConfigErrors with where in the model file), so a
// torch run fails with the same code and the same one line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeModel } from '../../analysis/index';
import { LocatedError } from '../../dsl/errors';
import { pytorchModule } from '../../interop/pytorchExport';
import { trainingConfigLocator } from '../../loader/configLocation';
import { RunWriteError } from '../../runs/files';
import { readRun } from '../../runs/store';
import { readWeightsFile } from '../../weights/files';
import { writeSafetensors } from '../../weights/safetensors';
import type { StateDict } from '../../weights/stateDict';
import { isTorchvisionRef } from '../../weights/torchvision';
import { BackendError } from '../backends/types';
import { TrainerError } from '../trainer/errors';
import type { RunSpec, TorchSpec } from '../trainer/spec';
import { checkAgainstModel, makeReporter } from '../training/config';
import { resolveInitFrom } from '../training/initFromSource';
import { fetchTorchvisionWeights } from '../training/torchvisionWeights';
import { ensurePreparedDataset, type PreparedDatasetInfo } from './preparedDataset';

/** The spec's torch section; a BackendError (backend-unavailable) when the starter found no PyTorch. */
export function torchSection(spec: RunSpec): TorchSpec {
  if (spec.torch) return spec.torch;
  throw new BackendError(spec.torchUnavailable ?? "spec.json asks for backend 'torch' but has no torch section", 'torch');
}

/** Writes the module PyTorch trains; a model the export cannot write is the model's error. */
export function writeModule(spec: Pick<RunSpec, 'model'>, file: string): void {
  const ir = spec.model.ir;
  let text: string;
  try {
    text = pytorchModule({ exportName: spec.model.exportName, model: ir, analysis: analyzeModel(ir) }, { sourceName: path.basename(spec.model.file) });
  } catch (err) {
    if (err instanceof LocatedError) throw new TrainerError('model-invalid', err.message, err.location);
    throw new TrainerError('model-invalid', `the model cannot be exported to PyTorch: ${err instanceof Error ? err.message : String(err)}`, ir.source ?? null);
  }
  try {
    // Written once, into a run folder no reader looks at for it before the trainer starts.
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new RunWriteError(file, err as NodeJS.ErrnoException);
  }
}

/** The state dict as a safetensors file of the same keys (Python matches it to the model as the tfjs trainer does). */
function writeStateDict(file: string, state: StateDict): void {
  writeSafetensors(file, new Map([...state].map(([key, t]) => [key, { shape: t.shape, data: t.data }])));
}

/**
 * Makes sure the safetensors file torch.initFrom names is there: a weights file of another kind
 * is converted into it; torchvision's published weights are fetched into the cache (as the tfjs
 * trainer fetches them) and converted; a run whose checkpoint has no safetensors (written before
 * both engines shared them) is refused where initFrom is written.
 */
async function provideInitFrom(spec: RunSpec, torch: TorchSpec): Promise<void> {
  const from = spec.config.initFrom;
  if (from === null || torch.initFrom === null || fs.existsSync(torch.initFrom)) return;
  if (isTorchvisionRef(from)) {
    const source = resolveInitFrom(from, { runsDir: spec.runsDir, baseDir: spec.data.baseDir });
    if ('error' in source || source.kind !== 'torchvision') throw new TrainerError('config-invalid', 'error' in source ? source.error : `initFrom ${from}: not torchvision's`);
    // The process's download defaults (the launcher's) report its progress and cancel it on a stop.
    writeStateDict(torch.initFrom, readWeightsFile(await fetchTorchvisionWeights(source, { cacheDir: spec.data.cacheDir })));
    return;
  }
  if (path.isAbsolute(from) && fs.existsSync(from)) {
    writeStateDict(torch.initFrom, readWeightsFile(from));
    return;
  }
  const reporter = makeReporter(trainingConfigLocator(spec.model.file, readRun(spec.runDir)?.source.text ?? ''), spec.overrides);
  reporter.fail(['initFrom'], `initFrom: ${path.relative(spec.runsDir, torch.initFrom)} is missing: run '${from}' has a checkpoint in the older `
    + 'tfjs format, which only the tfjs backends read; start from it on one of them, or train it again');
}

/** Makes the files spec.torch names; returns the dataset as prepared (or found prepared). */
export async function prepareTorchRun(spec: RunSpec): Promise<PreparedDatasetInfo> {
  const torch = torchSection(spec);
  writeModule(spec, torch.module);
  const data = await ensurePreparedDataset(spec, torch.data);
  const text = readRun(spec.runDir)?.source.text ?? '';
  const reporter = makeReporter(trainingConfigLocator(spec.model.file, text), spec.overrides);
  checkAgainstModel(spec.config, reporter, { inputShape: spec.model.ir.inputShape, paths: spec.model.ir.nodes.map((n) => n.path) }, data.dataset.imageShape);
  await provideInitFrom(spec, torch);
  return data;
}
