// `cnn-explorer export FILE --format pytorch --with-training -o DIR`: a training job that needs
// only PyTorch (docs/export.md), for a cluster or any machine without CNN Explorer. It trains with
// the torch engine's own trainer (python/cnn_explorer_torch, copied into DIR), so a job's run is
// the run the editor would have made; nothing here decides anything about training:
// - the starter's prepareRuns resolves the training block, the overrides and the checks, and its
//   createRun writes the run record, in a scratch runs folder: they become DIR/job.json's
//   templates, which the job fills in when it runs (the run id, the machine, its paths);
// - the launcher's prepareTorchRun writes the module and the prepared dataset (the same file a
//   run of the same request trains on), copied to DIR/model.py and DIR/data.safetensors.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocatedError } from '../../../dsl/errors';
import { prepareRuns, type PrepareOptions } from '../../trainer/start';
import type { RunSpec } from '../../trainer/spec';
import { prepareTorchRun } from '../prepareTorchRun';
import { pythonPackageRoot } from '../pythonPackage';
import type { TorchPython } from '../python';
import type { Override } from '../../training/overrides';
import { readRun } from '../../../runs/store';
import type { RunRecord } from '../../../runs/types';
import { jobReadme, trainPy } from './trainingJobText';

/** job.json's format; python/cnn_explorer_torch/job.py reads this one. */
export const TRAINING_JOB_FORMAT = 'cnn-explorer.training-job/1';

/** The backend's reason in a job's run ('requested' for a run the user started with --backend torch). */
const JOB_REASON = 'exported training job';

/** The Python the job runs on is whichever runs train.py: job.py fills spec.json's torch.python in. */
const JOB_PYTHON: TorchPython = { python: 'python', torchVersion: '', torchvisionVersion: null, device: 'cpu', deviceName: null, gpuCount: 0 };

export interface TrainingJobRequest {
  file: string;
  exportName?: string;
  overrides: Override[];
  data: NonNullable<PrepareOptions['data']>;
  /** The job's folder (created when missing; the files of an earlier export there are replaced, runs/ is kept). */
  dir: string;
}

/** What job.json holds: the spec and the run record of a run, less what only the job knows. */
export interface TrainingJob {
  format: typeof TRAINING_JOB_FORMAT;
  /** The run id's model part (`lenet-5` in `20261205-061500-lenet-5-q4dz`), as the run store makes it. */
  idStem: string;
  /** The training block as exported: train.py's TRAINING may change what the data does not fix. */
  config: RunSpec['config'];
  /** spec.json but for runId, runDir, runsDir and torch's python, module, data, initFrom and threads (null here). */
  spec: RunSpec;
  /** run.json as created, but for id, machine, pid and startedAt (null here). */
  run: RunRecord;
}

export interface WrittenJob {
  dir: string;
  modelName: string;
  exportName: string;
  dataset: string;
}

/** `stamp-date`-`stamp-time`-<stem>-<random>: the stem is what is between. */
function idStem(runId: string): string {
  return runId.split('-').slice(2, -1).join('-');
}

function copyPackage(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) {
    if (name.endsWith('.py')) fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
}

function writeText(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function copyFile(from: string, to: string): void {
  const tmp = path.join(path.dirname(to), `.${path.basename(to)}.${process.pid}.tmp`);
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}

export async function writeTrainingJob(req: TrainingJobRequest): Promise<WrittenJob> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-explorer-job-'));
  try {
    const [prepared] = await prepareRuns({
      file: req.file, exportName: req.exportName, overrides: req.overrides, data: req.data,
      runsDir: scratch, backend: 'torch',
      engine: () => Promise.resolve({ engine: 'torch', python: JOB_PYTHON, reason: JOB_REASON }),
    }).catch((err: unknown) => {
      // The scratch runs folder holds no run: initFrom naming one is found nowhere.
      if (err instanceof LocatedError && /initFrom: no run '[^']*' in \S+$/.test(err.message)) {
        throw new LocatedError(`${err.message.replace(/ in \S+$/, '')}: a training job starts from a weights file `
          + '(a run\'s checkpoints/best/weights.safetensors), not from a run id', err.location);
      }
      throw err;
    });
    const { spec, runDir } = prepared!;
    const record = readRun(runDir);
    if (!record || !spec.torch) throw new Error(`cannot prepare the job: ${runDir} was not written`);
    const data = await prepareTorchRun(spec);

    const dir = path.resolve(req.dir);
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new Error(`cannot write the job to ${dir}: ${e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way' : e.message}`, { cause: err });
    }
    copyFile(spec.torch.module, path.join(dir, 'model.py'));
    copyFile(data.file, path.join(dir, 'data.safetensors'));
    if (spec.torch.initFrom) copyFile(spec.torch.initFrom, path.join(dir, 'initFrom.safetensors'));
    else fs.rmSync(path.join(dir, 'initFrom.safetensors'), { force: true });
    copyPackage(path.join(pythonPackageRoot(), 'cnn_explorer_torch'), path.join(dir, 'cnn_explorer_torch'));

    const job: TrainingJob = {
      format: TRAINING_JOB_FORMAT,
      idStem: idStem(spec.runId),
      config: spec.config,
      spec: {
        ...spec, runId: null, runDir: null, runsDir: null,
        torch: { ...spec.torch, python: null, module: null, data: null, initFrom: spec.torch.initFrom ? 'initFrom.safetensors' : null, threads: null },
      } as unknown as RunSpec,
      run: { ...record, id: null, machine: null, pid: null, startedAt: null } as unknown as RunRecord,
    };
    writeText(path.join(dir, 'job.json'), JSON.stringify(job, null, 2) + '\n');
    const description = { modelName: spec.model.name, sourceName: path.basename(spec.model.file), dataset: data.description };
    writeText(path.join(dir, 'train.py'), trainPy(description, spec.config));
    writeText(path.join(dir, 'README.md'), jobReadme(description));
    return { dir, modelName: spec.model.name, exportName: spec.model.exportName, dataset: data.description };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
