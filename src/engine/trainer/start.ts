// Starting a run, for the CLI and the extension alike: prepare it (load and check the model and
// its training block, create the run folder, write spec.json), then start the trainer process
// and follow its messages. Training never runs in the caller's process.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { analyzeModel } from '../../analysis/index';
import { LocatedError } from '../../dsl/errors';
import { loadModelFile, selectModel, type ExportedModel } from '../../loader/index';
import { writeJsonAtomic } from '../../runs/files';
import { runResult } from '../../runs/result';
import { createRun, defaultRunsDir, readRun, updateRun } from '../../runs/store';
import type { TrainResult } from '../../runs/types';
import {
  encodeTrainerCommand, parseTrainerLine, protocolMismatch, type TrainerMessage,
} from '../../shared/trainerProtocol';
import { findProgram, processExecArgv } from '../programs';
import { engineChooser, type EngineChoice, type EngineChooser } from '../torch/chooseEngine';
import { torchSpec } from '../torch/torchSpec';
import { freeLoopbackPort } from '../torch/torchrun';
import { resolveTraining } from '../training/config';
import { resolveInitFrom } from '../training/initFromSource';
import type { Override } from '../training/overrides';
import type { BackendPreference, DistributedRequest, RunSpec, TorchDistributed } from './spec';
import { followLog, openTrainerLog, trainerLogPath, trainerLogTail } from './trainerLog';

export interface PrepareOptions {
  file: string;
  /** An export name, or 'all' for every model the file exports (one run each). Default: the default export. */
  exportName?: string;
  /** Unsaved editor text in place of the file on disk. */
  text?: string;
  overrides?: Override[];
  runsDir?: string;
  data?: Omit<RunSpec['data'], 'baseDir'>;
  backend?: BackendPreference;
  /**
   * Decides between PyTorch and tfjs (src/engine/torch/chooseEngine.ts). A command that prepares
   * many runs passes one, so that Python is probed once; by default each call makes its own,
   * trying the default Pythons.
   */
  engine?: EngineChooser;
  /** Check everything but create no run folder (returns []). */
  checkOnly?: boolean;
  /** Train through torchrun with DDP (docs/distributed.md); needs the torch engine. */
  distributed?: DistributedRequest;
}

/** What spec.json says about the engine: the backend asked for, and torch's part when PyTorch trains. */
function engineSpec(
  choice: EngineChoice, run: Pick<RunSpec, 'runDir' | 'runsDir' | 'config' | 'data'> & { ir: RunSpec['model']['ir'] }, distributed?: TorchDistributed,
): Pick<RunSpec, 'backend' | 'backendPassedOver' | 'torch' | 'torchUnavailable'> {
  if (choice.engine === 'tfjs') return { backend: choice.preference, ...(choice.passedOver.length ? { backendPassedOver: choice.passedOver } : {}) };
  if (choice.python === null) return { backend: 'torch', torchUnavailable: choice.unavailable };
  return { backend: 'torch', torch: torchSpec(run, choice.python, choice.reason, distributed) };
}

/** torchrun's default rendezvous port, for a job on several nodes (each node must name the same one). */
const DEFAULT_MASTER_PORT = 29500;

const isCount = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n > 0);

/**
 * What is wrong with a DDP request, as one line naming the CLI's flags (the editor asks only
 * for a number of processes), or null. docs/distributed.md has the rules.
 */
export function distributedProblem(req: DistributedRequest): string | null {
  if (!isCount(req.nprocPerNode)) return `--nproc-per-node must be a positive integer, got ${req.nprocPerNode}`;
  if (!isCount(req.nnodes)) return `--nnodes must be a positive integer, got ${req.nnodes}`;
  const nnodes = req.nnodes ?? 1;
  const nodeRank = req.nodeRank ?? 0;
  if (!Number.isInteger(nodeRank) || nodeRank < 0 || nodeRank >= nnodes) {
    return `--node-rank ${nodeRank} is out of range: with --nnodes ${nnodes} it is 0${nnodes > 1 ? ` … ${nnodes - 1}` : ''}`;
  }
  if (nnodes > 1 && !req.masterAddr) return `--nnodes ${nnodes} needs --master-addr: node 0's address, reachable from every node`;
  if (req.masterAddr !== undefined && req.masterAddr.trim() === '') return '--master-addr must not be empty';
  if (req.masterPort !== undefined && !(Number.isInteger(req.masterPort) && req.masterPort > 0 && req.masterPort < 65536)) {
    return `--master-port must be a TCP port (1 … 65535), got ${req.masterPort}`;
  }
  return null;
}

/** The request with every default filled in: one node on the loopback takes a port free now. */
async function torchDistributed(req: DistributedRequest): Promise<TorchDistributed> {
  const nnodes = req.nnodes ?? 1;
  return {
    nprocPerNode: req.nprocPerNode,
    nnodes,
    nodeRank: req.nodeRank ?? 0,
    masterAddr: req.masterAddr ?? '127.0.0.1',
    masterPort: req.masterPort ?? (nnodes === 1 ? await freeLoopbackPort() : DEFAULT_MASTER_PORT),
    syncBatchNorm: req.syncBatchNorm ?? false,
  };
}

/** A DDP run needs PyTorch: one line saying what trains instead. */
function distributedEngineProblem(choice: EngineChoice): string | null {
  if (choice.engine === 'torch') return null;
  const chosen = choice.preference === 'auto'
    ? `auto chose tfjs${choice.passedOver.length ? ` (${choice.passedOver.join('; ')})` : ''}`
    : `backend '${choice.preference}' is tfjs`;
  return `training on several processes (--nproc-per-node) needs the torch engine: ${chosen}`;
}

export interface PreparedRun {
  runId: string;
  runDir: string;
  specPath: string;
  spec: RunSpec;
}

/** Loads and checks everything, then creates one run folder per selected model. Throws LocatedErrors. */
export async function prepareRuns(opts: PrepareOptions): Promise<PreparedRun[]> {
  const file = path.resolve(opts.file);
  const text = opts.text ?? fs.readFileSync(file, 'utf8');
  const loaded = await loadModelFile(file, { text });
  const models: ExportedModel[] = opts.exportName === 'all' ? loaded.models : [selectModel(loaded, opts.exportName)];
  if (models.length === 0) selectModel(loaded); // throws the "exports no model" error
  const runsDir = path.resolve(opts.runsDir ?? defaultRunsDir());
  const overrides = opts.overrides ?? [];
  const { config, reporter } = resolveTraining({ training: loaded.training, file, text, overrides });
  if (config.initFrom) {
    // A path on the command line is the shell's (from the working folder); one in the file, the file's.
    const fromCommandLine = overrides.some((o) => o.path[0] === 'initFrom');
    const source = resolveInitFrom(config.initFrom, { runsDir, baseDir: fromCommandLine ? process.cwd() : path.dirname(file) });
    if ('error' in source) reporter.fail(['initFrom'], source.error);
    else if (source.kind === 'file') config.initFrom = source.file; // the trainer starts elsewhere
  }
  for (const { model } of models) {
    const error = analyzeModel(model).diagnostics.find((d) => d.severity === 'error');
    if (error) throw new LocatedError(error.message, error.source ?? model.source);
  }
  const problem = opts.distributed ? distributedProblem(opts.distributed) : null;
  if (problem) throw new LocatedError(problem, null);
  if (opts.checkOnly) return [];
  const choice = await (opts.engine ?? engineChooser([]))(opts.backend ?? 'auto');
  const engineProblem = opts.distributed ? distributedEngineProblem(choice) : null;
  if (engineProblem) throw new LocatedError(engineProblem, null);
  const distributed = opts.distributed ? await torchDistributed(opts.distributed) : undefined;
  return models.map(({ exportName, model }) => {
    const { id, paths } = createRun(runsDir, { modelName: model.name, exportName, file, text, config });
    const data = { ...opts.data, baseDir: path.dirname(file) };
    const spec: RunSpec = {
      version: 1, runId: id, runDir: paths.dir, runsDir,
      model: { file, exportName, name: model.name, ir: model },
      config, overrides, data,
      ...engineSpec(choice, { runDir: paths.dir, runsDir, config, data, ir: model }, distributed),
    };
    writeJsonAtomic(paths.spec, spec);
    return { runId: id, runDir: paths.dir, specPath: paths.spec, spec };
  });
}

export interface StartOptions {
  /**
   * The tfjs trainer program: dist/trainer.js beside this bundle by default (the TypeScript
   * entry under tsx in tests). A torch run starts dist/torchTrainer.js.
   */
  trainerPath?: string;
  /** Own process group, so the run outlives the caller (the extension host); the CLI shares its group for Ctrl-C. */
  detached?: boolean;
  /**
   * Follows the trainer's stderr (library warnings, the native libraries' own lines, the stack of
   * a failure), which goes to the run folder's trainer.log and nowhere else by default.
   */
  onStderr?: (text: string) => void;
  /**
   * Scheduling niceness for the trainer (0 normal, up to 19 lowest). The editor starts runs
   * at 10: on a 2-core laptop training then yields the CPU to typing, and still gets every
   * cycle the editor leaves idle.
   */
  niceness?: number;
}

/** A run being followed: one this process started, or one it found running (attach.ts). */
export interface RunHandle {
  runId: string;
  runDir: string;
  /** Every message from the trainer, in order. */
  onMessage(listener: (msg: TrainerMessage) => void): void;
  /** Asks the trainer to stop after its current batch; escalates to SIGTERM, then SIGKILL, if it does not. */
  stop(graceMs?: number): void;
  /** Resolves when the trainer has exited, with its result (an `interrupted` one if it died). */
  done: Promise<TrainResult>;
}

export interface TrainerHandle extends RunHandle {
  child: ChildProcess;
}

function trainerCommand(spec: RunSpec, trainerPath?: string): { file: string; execArgv: string[] } {
  if (spec.backend === 'torch') {
    // The torch engine's launcher prepares the data, then runs Python in its place (src/engine/torch/launcher.ts);
    // it frees the decoded dataset before training, which needs gc().
    const file = findProgram(__dirname, 'torchTrainer.js', '../torch/launcher.ts', 'the torch trainer program');
    return { file, execArgv: [...processExecArgv(file), '--expose-gc'] };
  }
  const file = trainerPath ?? findProgram(__dirname, 'trainer.js', 'main.ts', 'the trainer program');
  return { file, execArgv: processExecArgv(file) };
}

/**
 * The last lines of a trainer's stderr that may say why it died, as one line: not libraries'
 * warnings (Dawn's limits), stack frames, or native source locations.
 */
function lastWords(stderr: string): string {
  return stderr.split('\n').map((l) => l.trim())
    .filter((l) => l && !/^Warning: /.test(l) && !/^at /.test(l) && !/\.(cpp|cc|h):\d+\)?$/.test(l))
    .slice(-3).join(' | ');
}

export function startTrainer(run: PreparedRun, opts: StartOptions = {}): TrainerHandle {
  const cmd = trainerCommand(run.spec, opts.trainerPath);
  // stderr is a file, not a pipe: native code writes there directly (so the trainer can read
  // back what a backend probe printed), and it outlives this process (a reloaded window).
  // A run folder that takes no new file (a full disk) still trains, without the log.
  let log: number | null = null;
  try { log = openTrainerLog(run.runDir); } catch { /* stderr is dropped */ }
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...cmd.execArgv, cmd.file, run.specPath], {
      stdio: ['pipe', 'pipe', log ?? 'ignore'], detached: opts.detached ?? false, cwd: process.cwd(),
      // In desktop VS Code the extension host's executable is Electron: run it as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
  } finally {
    if (log !== null) fs.closeSync(log);
  }
  if (opts.niceness && child.pid) {
    try { os.setPriority(child.pid, opts.niceness); } catch { /* not permitted here: normal priority */ }
  }
  const listeners: ((msg: TrainerMessage) => void)[] = [];
  let result: TrainResult | null = null;
  const following = opts.onStderr ? followLog(trainerLogPath(run.runDir), opts.onStderr) : null;
  child.stdin!.on('error', () => { /* the trainer exited: nothing to tell it */ });
  // Set when the trainer announces a protocol version this reader does not know: it is stopped
  // and nothing more it says is passed on (the run ends interrupted, saying why).
  let mismatch: string | null = null;
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = parseTrainerLine(line);
    if (!msg || mismatch) return;
    if (msg.type === 'hello') {
      mismatch = protocolMismatch(msg);
      if (mismatch) {
        child.kill('SIGTERM');
        return;
      }
    }
    if (msg.type === 'done') result = msg.result;
    for (const l of listeners) l(msg);
  });
  const done = new Promise<TrainResult>((resolve) => {
    child.on('close', (code, signal) => {
      following?.stop();
      if (result) return resolve(result);
      // Died without a word (killed, out of memory): the run folder says what was reached.
      let record = readRun(run.runDir);
      const detail = lastWords(trainerLogTail(run.runDir, 4000));
      if (record?.status === 'running') {
        record = updateRun(run.runDir, (r) => {
          r.status = 'interrupted';
          r.error = mismatch ?? `the trainer exited (${signal ?? `code ${code}`}) without finishing the run${detail ? `: ${detail}` : ''}`;
          r.endedAt = new Date().toISOString();
        });
      }
      resolve(runResult(record, run.runId, run.runDir));
    });
  });
  let stopping = false;
  return {
    runId: run.runId, runDir: run.runDir, child, done,
    onMessage: (l) => { listeners.push(l); },
    stop(graceMs = 10_000) {
      if (stopping || child.exitCode !== null) return;
      stopping = true;
      child.stdin!.write(encodeTrainerCommand({ type: 'stop' }));
      const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs * 2);
      term.unref(); kill.unref();
      child.once('close', () => { clearTimeout(term); clearTimeout(kill); });
    },
  };
}
