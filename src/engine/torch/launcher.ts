// The torch engine's trainer program: `node dist/torchTrainer.js <run>/spec.json`, started by
// the starter exactly as it starts the tfjs trainer (same stdio, trainer.log, process group,
// niceness), so following, stopping and reattaching do not change. It makes what PyTorch needs
// (prepareTorchRun.ts: the module, the prepared dataset, the initial weights), then runs
// `<python> -m cnn_explorer_torch <run>/spec.json` on its own stdin, stdout and stderr: from
// there on the Python trainer speaks the protocol itself, and this process only waits, passes
// SIGTERM on, and exits as Python did. The preparation runs here rather than in the starter so
// that an editor's extension host never holds a dataset, and so that a failure at preparation
// ends the run as any trainer's failure does: hello, error, done, run.json failed.
// A DDP run (spec.torch.distributed) runs torchrun in Python's place (docs/distributed.md): its
// stdout and stderr pass through this process, which ends the run itself from torchrun's report
// when the ranks end without rank 0's `done`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JsonlWriter } from '../../runs/files';
import { updateRunOrKeep } from '../../runs/store';
import * as readline from 'node:readline';
import type { TrainResult } from '../../runs/types';
import { encodeTrainerMessage, parseTrainerLine, TRAINER_PROTOCOL_VERSION, type TrainerMessage } from '../../shared/trainerProtocol';
import { BackendError } from '../backends/types';
import { DownloadCancelled } from '../data/download/index';
import { reportDownloads } from '../trainer/downloadReporting';
import { reportFailure, TrainerError } from '../trainer/errors';
import { finish } from '../trainer/finish';
import type { RunSpec, TorchDistributed, TorchSpec } from '../trainer/spec';
import { prepareTorchRun, torchSection } from './prepareTorchRun';
import { pythonPackageEnv, pythonPackageRoot } from './pythonPackage';
import { parseTorchrunReport, torchrunArgs, torchrunCause } from './torchrun';

process.stdout.on('error', () => { /* the starter went away: the run folder still gets every message */ });
process.stderr.on('error', () => { /* a full disk must not end the run over a log line */ });

/**
 * Ends a run that failed (or was stopped) before Python started, as a trainer would: hello,
 * [error,] done. `hello: false` when Python already said hello (a DDP run whose ranks died).
 */
function endBeforePython(spec: RunSpec, started: number, err: unknown | null, { hello = true } = {}): number {
  const metrics = new JsonlWriter(path.join(spec.runDir, 'metrics.jsonl'));
  const send = (msg: TrainerMessage) => {
    const line = encodeTrainerMessage(msg);
    try { metrics.appendLine(line); } catch { /* a full disk: stdout still gets it */ }
    process.stdout.write(line);
  };
  try {
    if (hello) send({ type: 'hello', protocol: TRAINER_PROTOCOL_VERSION, runId: spec.runId, pid: process.pid, time: Date.now() });
    if (err === null) {
      const result = finish(spec, started, null, null, true);
      send({ type: 'done', result, time: Date.now() });
      return 0;
    }
    const { error, failure } = reportFailure(err);
    send({ type: 'error', ...error, time: Date.now() });
    const result = finish(spec, started, null, failure);
    send({ type: 'done', result, time: Date.now() });
    return 1;
  } finally {
    metrics.close();
  }
}

/** Runs the Python trainer (the package in `root`) on this process's stdio; resolves with how it ended. */
function runPython(specPath: string, torch: TorchSpec, root: string, onStart: (child: ChildProcess) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }> {
  const env = pythonPackageEnv(root);
  return new Promise((resolve) => {
    const child = spawn(torch.python, ['-m', 'cnn_explorer_torch', specPath], { stdio: 'inherit', env });
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
    onStart(child);
  });
}

/** How torchrun ended, and what this process relayed of rank 0's protocol and kept of the ranks' stderr. */
interface TorchrunEnded {
  code: number | null;
  signal: NodeJS.Signals | null;
  hello: boolean;
  done: TrainResult | null;
  stderrTail: string;
}

/** The most of torchrun's stderr kept for its failure report (the report is its last words). */
const STDERR_TAIL_BYTES = 64 * 1024;

/**
 * Runs torchrun for a DDP run: stdin inherited (rank 0 reads `stop`), stdout relayed line by line
 * (noting hello and done), stderr relayed to this process's stderr (trainer.log) with its tail kept.
 */
function runTorchrun(specPath: string, torch: TorchSpec, d: TorchDistributed, root: string, onStart: (child: ChildProcess) => void): Promise<TorchrunEnded | { error: Error }> {
  const env = pythonPackageEnv(root);
  // torchrun would set 1 thread per rank; the spec's threads are this node's cores shared out.
  env.OMP_NUM_THREADS ??= String(torch.threads);
  return new Promise((resolve) => {
    const child = spawn(torch.python, torchrunArgs(d, specPath), { stdio: ['inherit', 'pipe', 'pipe'], env });
    let hello = false;
    let done: TrainResult | null = null;
    let stderrTail = '';
    readline.createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      const msg = parseTrainerLine(line);
      if (msg?.type === 'hello') hello = true;
      if (msg?.type === 'done') done = msg.result;
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      process.stderr.write(text);
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    child.once('error', (error) => resolve({ error }));
    // 'close': every line of its stdout has been relayed.
    child.once('close', (code, signal) => resolve({ code, signal, hello, done, stderrTail }));
    onStart(child);
  });
}

/** The run's end after torchrun exited: as rank 0 said, else from torchrun's report of the failed ranks. */
function endDistributed(spec: RunSpec, d: TorchDistributed, started: number, ended: TorchrunEnded): number {
  if (ended.done) return ended.done.status === 'failed' ? 1 : 0;
  const worldSize = d.nprocPerNode * d.nnodes;
  const cause = torchrunCause(parseTorchrunReport(ended.stderrTail) ?? [], worldSize) ?? {
    code: 'internal' as const,
    message: `torchrun exited (${ended.signal ?? `code ${ended.code}`}) without reporting a failed rank; see trainer.log`,
  };
  return endBeforePython(spec, started, new TrainerError(cause.code, cause.message), { hello: !ended.hello });
}

async function main(): Promise<number> {
  const specPath = process.argv[2];
  if (!specPath) {
    process.stderr.write('usage: torchTrainer <run>/spec.json\n');
    return 2;
  }
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as RunSpec;
  const started = Date.now();
  // A live pid while the data is prepared, so that readers do not take the run for dead;
  // Python writes its own when it starts.
  updateRunOrKeep(spec.runDir, (r) => { r.pid = process.pid; });

  let child: ChildProcess | null = null;
  let signals = 0;
  // A download while the data is prepared reports on stdout; a signal (the starter's stop escalates to SIGTERM) cancels it.
  const cancelDownload = reportDownloads(spec, (line) => process.stdout.write(line));
  const onSignal = (signal: NodeJS.Signals) => {
    // Python counts the signals itself (the first is a stop). A terminal's Ctrl-C reaches its
    // whole process group, Python included, so only SIGTERM (sent to this pid) is passed on.
    if (child) {
      if (signal === 'SIGTERM') child.kill('SIGTERM');
      return;
    }
    cancelDownload();
    if (++signals >= 3) process.exit(130);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  let torch: TorchSpec;
  let root: string;
  try {
    torch = torchSection(spec);
    root = pythonPackageRoot();
    const data = await prepareTorchRun(spec);
    process.stderr.write(`${data.written ? 'prepared' : 'reusing'} ${data.file}: ${data.description}\n`);
  } catch (err) {
    // A download cancelled by a stop ends the run `stopped`, as a stop at any other point before training.
    return endBeforePython(spec, started, err instanceof DownloadCancelled ? null : err);
  }
  // A stop that came while the data was prepared: no training starts.
  if (signals > 0) return endBeforePython(spec, started, null);
  // The dataset this process decoded is garbage now: give its memory back before training.
  (globalThis as { gc?: () => void }).gc?.();

  const distributed = torch.distributed;
  if (distributed) {
    const ran = await runTorchrun(specPath, torch, distributed, root, (c) => { child = c; });
    if ('error' in ran) return endBeforePython(spec, started, new BackendError(`${torch.python} could not start torchrun: ${ran.error.message}`, 'torch'));
    return endDistributed(spec, distributed, started, ran);
  }
  const ended = await runPython(specPath, torch, root, (c) => { child = c; });
  if ('error' in ended) return endBeforePython(spec, started, new BackendError(`${torch.python} could not be started: ${ended.error.message}`, 'torch'));
  if (ended.signal) {
    // Die of the same signal, so that the starter's account of the run is Python's.
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    process.kill(process.pid, ended.signal);
    await new Promise(() => { /* the signal ends this process */ });
  }
  return ended.code ?? 1;
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
