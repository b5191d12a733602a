// `npm run bench` — training speed, images/s, per available tfjs backend next to PyTorch CPU on
// the same models, batch size and random data: LeNet-5 and the seed's small CNN on MNIST-shaped
// input (28×28×1), and ResNet-18 on CIFAR-shaped input (32×32×3). One SGD step per batch, the
// training loop's cross-entropy, the loss read back every step (as the loop does).
//
// Each figure is the best of a few timed rounds, and PyTorch's rounds alternate with tfjs's (one
// PyTorch round after each tfjs round of the same model, in a Python process kept alive for the
// whole bench): on a shared machine both sides then meet the same load, and the ratio holds
// still while the machine's speed does not. Timings depend on the machine: nothing here asserts
// a number. Last, the torch engine through `cnn-explorer train` against a plain PyTorch loop on
// the same models (bench/torchEngine.ts).
//
// Next to each tfjs figure, the `train` column: the same model, backend, batch and optimizer
// through the training loop `cnn-explorer train` runs (bench/trainPath.ts), its rounds alternating
// with the bench's, and where its time per step goes, item by item, against the bench's step.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as readline from 'node:readline';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, selectBackend, TFJS_BACKEND_NAMES as BACKEND_NAMES, type TfjsBackendName as BackendName } from '../src/engine/backends/index';
import { buildModel, MODELS, trainStep, type ModelName } from './models';
import { measureTorchEngine, torchEngineTable, type TorchEngineOptions, type TorchEngineReport } from './torchEngine';
import { gcMs, watchGc } from './gcTime';
import { ITEMS, TrainPath, type TrainRound } from './trainPath';

interface Options {
  json: boolean; profile: boolean; torch: boolean; torchEngine: boolean; train: boolean;
  backends: BackendName[]; models: ModelName[]; seconds: number; threads: number; batch: number;
  torchDevice: 'cpu' | 'cuda';
  /** --backends was given: measure each of them, software WebGPU adapters included. */
  backendsGiven: boolean;
}

const USAGE = `npm run bench [-- --json] [--backends wasm,cpu] [--models lenet5,smallcnn,resnet18]
                 [--seconds 5] [--threads 2] [--batch 64] [--profile] [--no-train] [--no-torch] [--no-torch-engine] [--torch-device cuda]

  --json          one JSON object (figures and ratios to PyTorch) instead of the table
  --backends      the tfjs backends to measure (default: every one available; a software
                  WebGPU adapter only when named here)
  --seconds       timed seconds per measurement, split into 5 rounds
  --threads       PyTorch's CPU threads (the wasm backend's are CNN_EXPLORER_WASM_THREADS)
  --profile       per model and backend, the time per kernel over a training step (stderr)
  --no-train      no \`train\` column (the training loop of \`cnn-explorer train\` on the same model, backend,
                  batch and optimizer, in rounds of two epochs alternating with the bench's) nor its per-item table
  --no-torch      tfjs only
  --no-torch-engine  no torch engine against a plain PyTorch loop (bench/torch.ts, npm run bench:torch:
                  full \`cnn-explorer train\` runs, 3 alternating rounds per model, the model files' batch sizes)
  --torch-device  cuda: PyTorch on the GPU (next to webgpu), the torch engine's comparison too`;

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    json: false, profile: false, torch: true, torchEngine: true, train: true, backends: [...BACKEND_NAMES],
    models: ['lenet5', 'smallcnn', 'resnet18'], seconds: 5, threads: 2, batch: 64, torchDevice: 'cpu', backendsGiven: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i] ?? '';
    if (a === '--json') o.json = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--no-torch') o.torch = false;
    else if (a === '--no-torch-engine') o.torchEngine = false;
    else if (a === '--no-train') o.train = false;
    else if (a === '--backends') { o.backends = next().split(',') as BackendName[]; o.backendsGiven = true; }
    else if (a === '--models') o.models = next().split(',') as ModelName[];
    else if (a === '--seconds') o.seconds = Number(next());
    else if (a === '--threads') o.threads = Number(next());
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--torch-device') o.torchDevice = next() === 'cuda' ? 'cuda' : 'cpu';
    else if (a === '--help' || a === '-h') { process.stdout.write(`${USAGE}\n`); process.exit(0); }
    else throw new UsageError(`unknown argument ${a}`);
  }
  const badModel = o.models.find((m) => !(m in MODELS));
  if (badModel !== undefined) throw new UsageError(`unknown model '${badModel}': expected ${Object.keys(MODELS).join(', ')}`);
  const badBackend = o.backends.find((b) => !BACKEND_NAMES.includes(b));
  if (badBackend !== undefined) throw new UsageError(`unknown backend '${badBackend}': expected ${BACKEND_NAMES.join(', ')}`);
  for (const [name, v] of [['--seconds', o.seconds], ['--threads', o.threads], ['--batch', o.batch]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new UsageError(`${name} must be a positive number`);
  }
  return o;
}

/**
 * How long to run each measurement: the slow cases get a step or two, not seconds of them. The
 * fast ones warm up for a second as well as 3 steps: the wasm backend's first second runs
 * markedly slower (V8 tiering up tfjs's JavaScript), which 3 steps of a few milliseconds do not
 * cover (bench/README.md).
 */
interface Budget { warmup: number; warmupSeconds: number; minSteps: number; seconds: number }
function budget(model: ModelName, backend: BackendName | 'torch', o: Options): Budget {
  if (backend === 'cpu') return { warmup: 1, warmupSeconds: 0, minSteps: 1, seconds: 0 };
  const onCpu = backend === 'wasm' || (backend === 'torch' && o.torchDevice === 'cpu');
  if (model === 'resnet18' && onCpu) return { warmup: 1, warmupSeconds: 0, minSteps: 2, seconds: 0 };
  return { warmup: 3, warmupSeconds: 1, minSteps: 5, seconds: o.seconds };
}

// ---- tfjs measurement ----

/**
 * Timed rounds per measurement (each seconds/ROUNDS long); the fastest is reported. Five, not
 * three: this machine's host load comes in bursts of seconds, and with three rounds one burst
 * over all of one side's rounds moved the small CNN's ratio far from its quiet figure; five
 * alternating rounds held it (bench/README.md).
 */
const ROUNDS = 5;

/** Rounds for a budget: the slow cases (a step or two, no seconds) are timed once. */
const roundsOf = (b: Budget): number => (b.seconds > 0 ? ROUNDS : 1);

interface Round { steps: number; seconds: number; imagesPerSecond: number; gcMsPerStep?: number }
/** The train path's best round, its rounds' images/s, and its ratio to the bench's figure. */
interface TrainFigure extends TrainRound { rounds: number[]; ratioToBench: number }
interface Figure extends Round { model: ModelName; backend: string; detail?: string; rounds: number[]; train?: TrainFigure }

/** The fastest round, and every round's images/s in the order run (in --json, to see the spread). */
function fastest<R extends Round>(rounds: R[]): R & { rounds: number[] } {
  const best = rounds.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  return { ...best, rounds: rounds.map((r) => Math.round(r.imagesPerSecond)) };
}

function randomBatches(shape: [number, number, number], batch: number): Array<{ x: tf.Tensor; y: tf.Tensor1D }> {
  return Array.from({ length: 4 }, () => ({
    x: tf.randomUniform([batch, ...shape]),
    y: tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D,
  }));
}

/** A model on the current tfjs backend, warmed up, timed one round at a time. */
interface TfjsSession {
  round(): Promise<Round>;
  step(): Promise<number>;
  dispose(): void;
}

async function tfjsSession(name: ModelName, backend: BackendName, o: Options): Promise<TfjsSession> {
  const { shape } = MODELS[name];
  const { model, kind } = await buildModel(name);
  const opt = tf.train.sgd(0.01);
  const data = randomBatches(shape, o.batch);
  const b = budget(name, backend, o);
  let i = 0;
  const step = () => { const d = data[i++ % data.length]!; return trainStep(model, kind, opt, d.x, d.y); };
  const w0 = performance.now();
  for (let w = 0; w < b.warmup || performance.now() - w0 < b.warmupSeconds * 1000; w++) await step();
  return {
    step,
    async round() {
      let steps = 0;
      const t0 = performance.now();
      let elapsed: number;
      do {
        await step();
        steps++;
        elapsed = (performance.now() - t0) / 1000;
      } while (steps < b.minSteps || elapsed < b.seconds / ROUNDS);
      return { steps, seconds: elapsed, imagesPerSecond: (steps * o.batch) / elapsed, gcMsPerStep: (await gcMs(t0, t0 + elapsed * 1000)) / steps };
    },
    dispose() {
      model.dispose();
      opt.dispose();
      tf.dispose(data.flatMap((d) => [d.x, d.y]));
    },
  };
}

/**
 * Time per kernel, averaged over PROFILE_STEPS training steps, largest first (stderr, so --json
 * stays clean). Scopes (ops, custom gradients) wrap kernels already listed and are left out of
 * the total; what the total misses of a step's wall time is tfjs's own bookkeeping.
 */
const PROFILE_STEPS = 5;
async function profile(name: ModelName, backend: string, step: () => Promise<number>): Promise<void> {
  const byKernel = new Map<string, { ms: number; calls: number }>();
  // The same kernel costs very different times on a network's different layers: also by input shapes.
  const byShapes = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  const t0 = performance.now();
  for (let s = 0; s < PROFILE_STEPS; s++) {
    const info = await tf.profile(step);
    for (const k of info.kernels) {
      // Scopes wrap kernels listed on their own: ops (…__op) and custom gradients (unnamed).
      if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      for (const [map, key] of [[byKernel, k.name], [byShapes, `${k.name} ${k.inputShapes.map((sh) => (sh ? `[${sh.join(',')}]` : '–')).join(' ')}`]] as const) {
        const e = map.get(key) ?? { ms: 0, calls: 0 };
        e.ms += ms;
        e.calls++;
        map.set(key, e);
      }
      total += ms;
    }
  }
  const wall = (performance.now() - t0) / PROFILE_STEPS;
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  process.stderr.write(`\nprofile ${name} on ${backend}, per step: ${(total / PROFILE_STEPS).toFixed(1)} ms in kernels ` +
    `(${wall.toFixed(1)} ms wall while profiling)\n`);
  const line = (k: string, e: { ms: number; calls: number }) =>
    `  ${k.padEnd(28)} ${(e.ms / PROFILE_STEPS).toFixed(2).padStart(8)} ms  ${(100 * e.ms / total).toFixed(1).padStart(5)}%  ${String(e.calls / PROFILE_STEPS).padStart(4)} calls\n`;
  for (const [k, e] of rows.slice(0, 14)) process.stderr.write(line(k, e));
  process.stderr.write('  by input shapes:\n');
  for (const [k, e] of [...byShapes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) process.stderr.write(line(k, e));
}

// ---- PyTorch measurement (a Python that has torch, found on this machine) ----

function findTorchPython(): string | undefined {
  const candidates = [process.env.CNN_EXPLORER_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter((c): c is string => !!c);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** bench/train.py, alive for the whole bench, timing one round per request. */
class TorchProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';
  readonly rounds = new Map<ModelName, Round[]>();

  private constructor(readonly python: string, private readonly o: Options) {
    this.child = spawn(python, [path.join(__dirname, 'train.py'), JSON.stringify({ batch: o.batch, threads: o.threads, device: o.torchDevice })]);
    this.child.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    this.child.on('error', () => { /* reported by the next read, which ends */ });
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  /** Started, with its info line read; or why not. */
  static async start(o: Options): Promise<{ torch: TorchProcess; note: string } | { torch: null; note: string }> {
    const py = findTorchPython();
    if (!py) return { torch: null, note: 'PyTorch not measured: no Python with torch found (tried $CNN_EXPLORER_PYTHON, python3, /usr/bin/python3, python)' };
    const torch = new TorchProcess(py, o);
    try {
      const info = (await torch.read()).info as { torch: string; threads: number; gpu?: string };
      const where = info.gpu ? `CUDA on ${info.gpu}` : `CPU, ${info.threads} threads`;
      return { torch, note: `PyTorch ${info.torch} ${where} (${py})` };
    } catch (e) {
      torch.close();
      return { torch: null, note: (e as Error).message };
    }
  }

  private async read(): Promise<Record<string, unknown>> {
    const next = await this.lines.next();
    if (next.done) throw new Error(`PyTorch bench failed: ${this.stderr.trim().split('\n').pop() ?? 'exited'}`);
    return JSON.parse(next.value) as Record<string, unknown>;
  }

  /** One timed round of `model` (its warm-up steps at its first round). */
  async round(model: ModelName): Promise<Round> {
    const b = budget(model, 'torch', this.o);
    this.child.stdin.write(`${JSON.stringify({ model, warmup: b.warmup, warmupSeconds: b.warmupSeconds, minSteps: b.minSteps, seconds: b.seconds / ROUNDS })}\n`);
    const r = await this.read();
    const round = { steps: r.steps as number, seconds: r.seconds as number, imagesPerSecond: r.imagesPerSecond as number };
    this.rounds.set(model, [...(this.rounds.get(model) ?? []), round]);
    return round;
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

/**
 * Where the train path's time goes: per step, its items (the best round's) next to the bench's
 * step; per epoch, what comes after the timed window.
 */
function trainItemsTable(rows: Figure[], batch: number): string[] {
  const ms = (v: number, w = 8) => v.toFixed(v < 10 ? 3 : 1).padStart(w);
  const out = [`The train path's time, ms per step of its best round, against the bench's step (${batch} images), then ms per epoch;`,
    "(gc): of that time, in V8's garbage collector (the bench's inside its steps, the loop's mostly in its turns of the event loop: yield).",
  ];
  out.push(`${'model'.padEnd(22)}${'backend'.padEnd(10)}${'bench'.padStart(8)}${'(gc)'.padStart(8)}${'train'.padStart(8)}`
    + `${ITEMS.step.map((i) => i.padStart(8)).join('')}${'(gc)'.padStart(8)}  |${ITEMS.epoch.map((i) => i.padStart(12)).join('')}`);
  for (const r of rows) {
    if (!r.train) continue;
    const t = r.train;
    out.push(`${MODELS[r.model].label.padEnd(22)}${r.backend.padEnd(10)}${ms((1000 * batch) / r.imagesPerSecond)}${ms(r.gcMsPerStep ?? 0)}`
      + `${ms((1000 * batch) / t.imagesPerSecond)}${ITEMS.step.map((i) => ms(t.msPerStep[i])).join('')}${ms(t.gcMsPerStep)}`
      + `  |${ITEMS.epoch.map((i) => ms(t.msPerEpoch[i], 12)).join('')}`);
  }
  return out;
}

// ---- main ----

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  // As the trainer runs (engine/trainer/run.ts): no "install tfjs-node" banner from the cpu backend.
  tf.enableProdMode();
  watchGc();
  const log = (s: string) => { if (!o.json) process.stderr.write(`${s}\n`); };
  const figures: Figure[] = [];
  const backends: Record<string, { available: boolean; detail?: string; reason?: string }> = {};
  let torchNote = 'PyTorch skipped (--no-torch)';
  let torch: TorchProcess | null = null;
  if (o.torch) ({ torch, note: torchNote } = await TorchProcess.start(o));
  /** One PyTorch round of `m`, if PyTorch is still measuring; a failure ends PyTorch's part, saying why. */
  const pytorchRound = async (m: ModelName): Promise<void> => {
    if (!torch) return;
    try {
      await torch.round(m);
    } catch (e) {
      torchNote = (e as Error).message;
      torch.close();
      torch = null;
    }
  };
  try {
    for (const backend of o.backends) {
      try {
        const choice = await selectBackend(backend);
        if (backend === 'webgpu' && !o.backendsGiven && /software adapter/.test(choice.reason)) {
          // lavapipe: there to check correctness (CI), minutes per ResNet step.
          const reason = `only a software adapter (${choice.detail}); --backends webgpu measures it anyway`;
          backends[backend] = { available: false, reason };
          log(`webgpu: skipped, ${reason}`);
          continue;
        }
        backends[backend] = { available: true, detail: choice.detail };
      } catch (e) {
        if (!(e instanceof BackendError)) throw e;
        backends[backend] = { available: false, reason: e.message };
        log(`${backend}: not available (${e.message.split('. To use it')[0]})`);
        continue;
      }
      for (const m of o.models) {
        if (backend === 'cpu' && m === 'resnet18') continue; // minutes per step
        log(`measuring ${m} on ${backend}${torch ? ' and PyTorch, alternating' : ''}…`);
        const session = await tfjsSession(m, backend, o);
        const trainPath = o.train ? new TrainPath(m, backend, o.batch) : null;
        const rounds: Round[] = [];
        const trainRounds: TrainRound[] = [];
        const b = budget(m, backend, o);
        try {
          for (let r = 0; r < roundsOf(b); r++) {
            const round = await session.round();
            rounds.push(round);
            // The train path's epoch lasts about as long as the bench's round.
            if (trainPath) trainRounds.push(await trainPath.round(o.batch * Math.max(b.minSteps, Math.round(round.imagesPerSecond * b.seconds / ROUNDS / o.batch))));
            await pytorchRound(m);
          }
          if (o.profile) await profile(m, backend, () => session.step());
        } finally {
          session.dispose();
          trainPath?.dispose();
        }
        const figure: Figure = { model: m, backend, ...fastest(rounds), detail: backends[backend]!.detail };
        if (trainRounds.length) {
          const train = fastest(trainRounds);
          figure.train = { ...train, ratioToBench: train.imagesPerSecond / figure.imagesPerSecond };
        }
        figures.push(figure);
      }
    }
    // A model no tfjs backend measured (none available) still gets its PyTorch figure.
    for (const m of o.models) {
      if (figures.some((f) => f.model === m)) continue;
      for (let r = 0; r < roundsOf(budget(m, 'torch', o)); r++) await pytorchRound(m);
    }
  } finally {
    torch?.close();
  }
  if (torch) for (const [m, rounds] of torch.rounds) figures.push({ model: m, backend: 'pytorch', ...fastest(rounds) });
  // The torch engine against a plain loop: after tfjs's figures, which it does not share a process with.
  const engineOptions: TorchEngineOptions = { models: o.models, rounds: 3, epochs: 3, warmup: 1, device: o.torchDevice };
  let torchEngine: TorchEngineReport | null = null;
  if (o.torch && o.torchEngine) torchEngine = await measureTorchEngine(engineOptions, log);
  const torchOf = (m: ModelName) => figures.find((f) => f.backend === 'pytorch' && f.model === m)?.imagesPerSecond;
  const rows = figures.map((f) => {
    const ref = torchOf(f.model);
    return { ...f, ratioToPytorch: ref ? f.imagesPerSecond / ref : null };
  });
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ batch: o.batch, backends, pytorch: torchNote, results: rows, torchEngine })}\n`);
    return;
  }
  const out: string[] = [];
  const alternating = figures.some((f) => f.backend === 'pytorch') ? "; PyTorch's rounds alternate with tfjs's" : '';
  out.push(`Training images/s, batch ${o.batch}, SGD, random data, the best of ${ROUNDS} rounds${alternating}. ${torchNote}.`);
  const withTrain = rows.some((r) => r.train);
  if (withTrain) out.push('train: the same model, backend, batch and SGD through the loop of `cnn-explorer train` (evaluation and checkpoints apart: below).');
  const trainHead = withTrain ? `${'train'.padStart(10)}${'÷ bench'.padStart(9)}` : '';
  out.push(`${'model'.padEnd(22)}${'backend'.padEnd(12)}${'images/s'.padStart(10)}${trainHead}${'× PyTorch'.padStart(11)}${'steps'.padStart(7)}`);
  const perSecond = (v: number) => v.toFixed(v < 100 ? 1 : 0).padStart(10);
  for (const r of rows) {
    const train = !withTrain ? '' : r.train ? `${perSecond(r.train.imagesPerSecond)}${`${r.train.ratioToBench.toFixed(2)}×`.padStart(9)}` : `${'—'.padStart(10)}${''.padStart(9)}`;
    out.push(`${MODELS[r.model].label.padEnd(22)}${r.backend.padEnd(12)}${perSecond(r.imagesPerSecond)}${train}` +
      `${(r.ratioToPytorch === null ? '—' : `${r.ratioToPytorch < 0.1 ? r.ratioToPytorch.toPrecision(2) : r.ratioToPytorch.toFixed(2)}×`).padStart(11)}${String(r.steps).padStart(7)}`);
  }
  if (withTrain) out.push('', ...trainItemsTable(rows, o.batch));
  for (const [name, b] of Object.entries(backends)) if (b.available) out.push(`${name}: ${b.detail ?? ''}`);
  if (torchEngine) out.push('', ...torchEngineTable(torchEngine, engineOptions));
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`bench: ${e.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
