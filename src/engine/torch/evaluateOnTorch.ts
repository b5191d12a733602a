// `evaluate RUN --backend torch`: a checkpoint on the run's test split in PyTorch, with the torch
// engine's own parts: the module the starter would write (prepareTorchRun.ts), the prepared
// dataset the launcher would train on (preparedDataset.ts: same limits, permutation and
// normalization), and the Python trainer's batches and evaluation (cnn_explorer_torch.evaluate_run).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunSpec } from '../trainer/spec';
import type { Evaluation } from '../training/evaluate';
import { ensurePreparedDataset } from './preparedDataset';
import { preparedDatasetPath } from './preparedDatasetPath';
import { writeModule } from './prepareTorchRun';
import { pythonPackageEnv, pythonPackageRoot } from './pythonPackage';

export interface TorchEvaluation {
  /** The device as the backend line names it: `cpu, 2 threads, torch 1.13.1`. */
  detail: string;
  classNames: string[];
  evaluation: Evaluation;
}

export interface TorchEvaluateRequest {
  python: string;
  spec: RunSpec;
  /** The checkpoint's weights.safetensors (PyTorch state_dict keys). */
  weights: string;
  /** What training normalized with (run.json's dataset.normalization), or null for the prepared dataset's own. */
  normalization: { mean: number[]; std: number[] } | null;
  /** Python's stderr goes to this process's (--verbose) rather than only into a failure's line. */
  verbose: boolean;
}

type PythonLine =
  | { type: 'evaluation'; detail: string; classNames: string[]; evaluation: Evaluation }
  | { type: 'error'; code: string; message: string };

/** JSON has no NaN: Python wrote null where a figure is NaN (a class with no test image), as JSON.stringify would. */
function withNaN(e: Evaluation): Evaluation {
  const num = (v: number | null) => (v === null ? NaN : v);
  return { ...e, loss: num(e.loss), accuracy: num(e.accuracy), perClassAccuracy: e.perClassAccuracy.map(num) };
}

function runPython(python: string, jobFile: string, verbose: boolean): Promise<PythonLine> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-m', 'cnn_explorer_torch.evaluate_run', jobFile], {
      stdio: ['ignore', 'pipe', 'pipe'], env: pythonPackageEnv(pythonPackageRoot()),
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      if (verbose) process.stderr.write(c);
    });
    child.once('error', (err) => reject(new Error(`${python} could not be started: ${err.message}`)));
    child.once('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        return resolve(JSON.parse(last) as PythonLine);
      } catch {
        const why = stderr.trim().split('\n').at(-1) || (signal ? `killed by ${signal}` : `exit code ${code}`);
        reject(new Error(`${python} ended without an evaluation: ${why}`));
      }
    });
  });
}

export async function evaluateOnTorch(req: TorchEvaluateRequest): Promise<TorchEvaluation> {
  const data = preparedDatasetPath({ ...req.spec, inputShape: req.spec.model.ir.inputShape });
  await ensurePreparedDataset(req.spec, data);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-explorer-evaluate-'));
  try {
    const module = path.join(dir, 'model.py');
    writeModule(req.spec, module);
    const job = {
      module, ir: req.spec.model.ir, config: req.spec.config, weights: req.weights, data,
      normalization: req.normalization, device: 'auto', threads: os.cpus().length,
    };
    const jobFile = path.join(dir, 'job.json');
    fs.writeFileSync(jobFile, JSON.stringify(job));
    const out = await runPython(req.python, jobFile, req.verbose);
    if (out.type === 'error') throw new Error(out.message);
    return { detail: out.detail, classNames: out.classNames, evaluation: withNaN(out.evaluation) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
