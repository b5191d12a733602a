// `cnn-explorer train FILE …`: prepares the run(s), starts the trainer process (the same one the
// extension starts), prints progress for people on stderr and, with --json, the result as the
// last stdout line. Ctrl-C stops cleanly: the run ends `stopped` with checkpoints/last saved.
import * as path from 'node:path';
import { LocatedError } from '../dsl/errors';
import { BACKEND_PREFERENCES, isBackendPreference } from '../shared/backends';
import { distributedProblem, prepareRuns, startTrainer, type PrepareOptions, type TrainerHandle } from '../engine/trainer/start';
import type { DistributedRequest } from '../engine/trainer/spec';
import { engineChooser } from '../engine/torch/chooseEngine';
import { parseSetArgument, parseValue, type Override } from '../engine/training/overrides';
import type { TrainResult } from '../runs/types';
import { assertNever } from '../shared/assertNever';
import type { TrainerMessage } from '../shared/trainerProtocol';
import { decimal, duration, percent } from '../shared/format';
import { tr } from '../shared/l10n/translate';
import { integerFlag, parseCommandArgs, UsageError, usageLine } from './args';
import { downloadDone } from '../shared/downloadFigures';
import { downloadDecile, downloadLine } from './downloadBar';

const USAGE = 'train FILE [--model EXPORT|all] [--dataset ID] [--data-dir DIR] [--offline] [--epochs N] [--batch-size N] '
  + '[--set key.path=value]… [--sweep key.path=[v1,v2,…]]… [--limit-train N] [--limit-test N] '
  + `[--backend ${BACKEND_PREFERENCES.join('|')}] [--python PATH] [--runs-dir DIR] [--json] `
  + '[--nproc-per-node N [--nnodes M --node-rank R --master-addr HOST --master-port P] [--sync-batchnorm]]';



/**
 * The DDP flags (docs/distributed.md) as a request, or undefined without --nproc-per-node. Each
 * mistake is a usage error of one line: what prepareRuns would refuse, said before anything starts.
 */
function distributedRequest(v: Record<string, string | boolean | string[] | undefined>, backend: string): DistributedRequest | undefined {
  const str = (k: string) => v[k] as string | undefined;
  const nprocPerNode = integerFlag('--nproc-per-node', str('nproc-per-node'), 1, USAGE);
  if (nprocPerNode === undefined) {
    const stray = ['nnodes', 'node-rank', 'master-addr', 'master-port', 'sync-batchnorm'].find((k) => v[k] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --nproc-per-node (training on several processes)\n${usageLine(USAGE)}`);
    return undefined;
  }
  if (backend !== 'torch' && backend !== 'auto') {
    throw new UsageError(`--nproc-per-node needs the torch engine (--backend torch), not --backend ${backend}\n${usageLine(USAGE)}`);
  }
  const req: DistributedRequest = {
    nprocPerNode,
    nnodes: integerFlag('--nnodes', str('nnodes'), 1, USAGE),
    nodeRank: integerFlag('--node-rank', str('node-rank'), 0, USAGE),
    masterAddr: str('master-addr'),
    masterPort: integerFlag('--master-port', str('master-port'), 1, USAGE),
    syncBatchNorm: v['sync-batchnorm'] === true ? true : undefined,
  };
  for (const key of Object.keys(req) as (keyof DistributedRequest)[]) if (req[key] === undefined) delete req[key];
  const problem = distributedProblem(req);
  if (problem) throw new UsageError(`${problem}\n${usageLine(USAGE)}`);
  return req;
}

/** `--epochs 3` etc. become overrides too, so their values are checked like any other. */
function flagOverride(flag: string, key: string, value: string | undefined, parse: (v: string) => unknown): Override[] {
  return value === undefined ? [] : [{ path: [key], value: parse(value), label: `${flag} ${value}` }];
}

/** `--sweep permutePixels=[null,42]` → one override list per value (null: leave the key unset). */
function sweepValues(arg: string): Override[] {
  const { path: keyPath, value } = parseSetArgument(arg);
  if (!Array.isArray(value) || value.length === 0) throw new UsageError(`--sweep ${arg}: expected key.path=[value, …]`);
  return value.map((v) => ({ path: keyPath, value: v === null ? undefined : v, label: `--sweep ${keyPath.join('.')}=${JSON.stringify(v)}` }));
}

function product(lists: Override[][]): Override[][] {
  return lists.reduce<Override[][]>((acc, list) => acc.flatMap((prefix) => list.map((o) => [...prefix, o])), [[]]);
}

export async function trainCommand(argv: string[], { verbose = false } = {}): Promise<void> {
  const { values: v, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    dataset: { type: 'string' },
    'data-dir': { type: 'string' },
    offline: { type: 'boolean' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    set: { type: 'string', multiple: true },
    sweep: { type: 'string', multiple: true },
    'limit-train': { type: 'string' },
    'limit-test': { type: 'string' },
    backend: { type: 'string' },
    python: { type: 'string' },
    'runs-dir': { type: 'string' },
    json: { type: 'boolean' },
    'nproc-per-node': { type: 'string' },
    nnodes: { type: 'string' },
    'node-rank': { type: 'string' },
    'master-addr': { type: 'string' },
    'master-port': { type: 'string' },
    'sync-batchnorm': { type: 'boolean' },
  }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`expected one model file\n${usageLine(USAGE)}`);
  const backend = v.backend ?? 'auto';
  if (!isBackendPreference(backend)) {
    throw new UsageError(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}, got '${backend}'\n${usageLine(USAGE)}`);
  }
  const overrides: Override[] = [
    ...flagOverride('--dataset', 'dataset', v.dataset, parseValue),
    ...flagOverride('--epochs', 'epochs', v.epochs, (s) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s)),
    ...flagOverride('--batch-size', 'batchSize', v['batch-size'], (s) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s)),
    ...(v.set ?? []).map(parseSetArgument),
  ];
  const distributed = distributedRequest(v, backend);
  const combos = product((v.sweep ?? []).map(sweepValues));
  const base: PrepareOptions = {
    file: positionals[0]!,
    exportName: v.model,
    runsDir: v['runs-dir'],
    backend,
    // One choice of engine for the whole command: Python is probed once, however many runs.
    engine: engineChooser(v.python ? [{ python: v.python, from: '--python' }] : []),
    data: {
      dataDir: v['data-dir'],
      // A dataset that is nowhere here is downloaded (docs/downloads.md) unless --offline.
      online: v.offline !== true,
      limitTrain: integerFlag('--limit-train', v['limit-train'], 1, USAGE),
      limitTest: integerFlag('--limit-test', v['limit-test'], 1, USAGE),
    },
    ...(distributed ? { distributed } : {}),
  };
  // Check every combination before the first run starts: a bad value stops everything up front.
  for (const extra of combos) await prepareRuns({ ...base, overrides: [...overrides, ...extra], checkOnly: true });

  const control = new StopControl();
  let failure: LocatedError | null = null;
  try {
    for (const extra of combos) {
      for (const run of await prepareRuns({ ...base, overrides: [...overrides, ...extra] })) {
        if (control.stopRequested) break;
        const label = extra.length ? ` (${extra.map((o) => o.label.replace(/^--sweep /, '')).join(', ')})` : '';
        process.stderr.write(`run ${run.runId}: ${run.spec.model.name} [${run.spec.model.exportName}]${label}\n`);
        // The trainer's stderr stays in the run's trainer.log unless asked for: the user's
        // terminal gets its messages, never native libraries' lines or a stack.
        const handle = startTrainer(run, verbose ? { onStderr: (text) => process.stderr.write(text) } : {});
        control.attach(handle);
        const progress = new Progress(run.spec.config.batchSize);
        let error: { message: string; location: LocatedError['location'] } | null = null;
        handle.onMessage((msg) => {
          if (msg.type === 'error') error = { message: msg.message, location: msg.location };
          progress.show(msg);
        });
        const result = await handle.done;
        control.detach();
        progress.summary(result);
        if (v.json) process.stdout.write(JSON.stringify(result) + '\n');
        if (result.status === 'failed' || result.status === 'interrupted') {
          const e = error as { message: string; location: LocatedError['location'] } | null;
          failure = new LocatedError(e?.message ?? result.error ?? `run ${result.runId} ${result.status}`, e?.location ?? null);
          break;
        }
      }
      if (failure || control.stopRequested) break;
    }
  } finally {
    control.dispose();
  }
  if (failure) throw failure;
  if (control.stopRequested) process.exitCode = 130;
}

/** Ctrl-C: the first asks the running trainer to stop after its batch; the second kills it. */
class StopControl {
  stopRequested = false;
  private handle: TrainerHandle | null = null;
  private readonly onSigint = () => {
    if (!this.stopRequested) {
      this.stopRequested = true;
      process.stderr.write(`\n${tr('stopping after the current batch (Ctrl-C again to abort)…')}\n`);
      this.handle?.stop();
    } else {
      this.handle?.child.kill('SIGKILL');
    }
  };

  constructor() {
    process.on('SIGINT', this.onSigint);
    process.on('SIGTERM', this.onSigint);
  }

  attach(handle: TrainerHandle): void { this.handle = handle; }
  detach(): void { this.handle = null; }
  dispose(): void {
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigint);
  }
}

/** Progress for people: one updating line on a terminal, a line every ~10% of an epoch otherwise. */
class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private epochStart = 0;
  private lastPrinted = -1;
  /** The file and tenth last printed of a download (not a terminal: a line per tenth). */
  private lastDownload = '';
  private lineOpen = false;

  constructor(private readonly batchSize: number) {}

  private line(text: string): void {
    if (this.lineOpen) process.stderr.write('\r\x1b[K');
    process.stderr.write(text + '\n');
    this.lineOpen = false;
  }

  show(msg: TrainerMessage): void {
    switch (msg.type) {
      case 'hello':
        break;
      case 'backend':
        this.line(msg.message);
        break;
      case 'status':
        if (msg.phase !== 'evaluating') this.line(msg.message);
        if (msg.phase === 'training') { this.epochStart = msg.time; this.lastPrinted = -1; }
        break;
      case 'download': {
        const text = downloadLine(msg);
        if (this.tty) {
          process.stderr.write(`\r\x1b[K${text}`);
          this.lineOpen = true;
          if (downloadDone(msg)) this.line(text);
        } else {
          const key = `${msg.file} ${downloadDecile(msg)}`;
          if (key !== this.lastDownload) { this.lastDownload = key; this.line(text); }
        }
        break;
      }
      case 'iteration': {
        const elapsed = (msg.time - this.epochStart) / 1000;
        const rate = elapsed > 0 ? (msg.step * this.batchSize) / elapsed : 0;
        const eta = msg.step > 0 ? (elapsed / msg.step) * (msg.steps - msg.step) : NaN;
        const text = tr('epoch {epoch} step {step}/{steps}  loss {loss}  acc {acc}  {rate} img/s  ETA {eta} (epoch)', {
          epoch: msg.epoch, step: msg.step, steps: msg.steps, loss: decimal(msg.loss), acc: percent(msg.accuracy), rate: Math.round(rate), eta: duration(eta),
        });
        if (this.tty) {
          process.stderr.write(`\r\x1b[K${text}`);
          this.lineOpen = true;
        } else {
          const decile = Math.floor((msg.step * 10) / msg.steps);
          if (decile !== this.lastPrinted) { this.lastPrinted = decile; this.line(text); }
        }
        break;
      }
      case 'epoch': {
        const val = msg.val ? `  ${tr('val loss {0} acc {1}', decimal(msg.val.loss), percent(msg.val.accuracy))}` : '';
        const left = (msg.epochs - msg.epoch) * msg.seconds;
        this.line(`${tr('epoch {0}/{1}  train loss {2} acc {3}', msg.epoch, msg.epochs, decimal(msg.train.loss), percent(msg.train.accuracy))}${val}`
          + `  ${tr('test loss {0} acc {1}', decimal(msg.test.loss), percent(msg.test.accuracy))}${msg.best ? `  ${tr('(best)')}` : ''}`
          + `  ${tr('{0} img/s', Math.round(msg.imagesPerSecond))}  ${decimal(msg.seconds, 1)}s${msg.epoch < msg.epochs ? `  ${tr('ETA {0}', duration(left))}` : ''}`);
        break;
      }
      case 'error':
        break; // printed once by the command, as file:line:column: message
      case 'done':
        break;
      default:
        assertNever(msg, 'trainer');
    }
  }

  summary(r: TrainResult): void {
    const where = path.relative(process.cwd(), r.runDir) || r.runDir;
    const best = r.bestEpoch !== null && r.testAccuracy !== null
      ? tr('best epoch {0}: test accuracy {1} (loss {2})', r.bestEpoch, percent(r.testAccuracy), decimal(r.testLoss)) : tr('no completed epoch');
    const rate = r.trainImagesPerSecond ? `${tr('{0} img/s', Math.round(r.trainImagesPerSecond))}, ` : '';
    this.line(`${tr('run {0} {1}: {2}', r.runId, r.status, best)}, ${rate}${duration(r.wallSeconds)} → ${where}`);
  }
}
