// The torch engine's training speed next to a plain PyTorch loop on the same model and data
// (`npm run bench:torch`, and the last part of `npm run bench`). The engine side is the real
// `cnn-explorer train --backend torch` on the example model files; the plain side is
// bench/torch_plain.py on that run's exported model.py and prepared dataset, with its batch
// size, optimizer, seed, thread count and device. Rounds alternate, engine then plain, each a
// fresh process on both sides, so that both meet the same load on a shared machine; the best
// round of each side is reported, and their ratio.
//
// What is timed on the engine's side is its training phase as its own records date it
// (metrics.jsonl): from the `training` status of the first epoch after the warm-up to `done`,
// so its batching, metrics, per-epoch evaluation and checkpoints are in, and starting Node,
// Python and torch, and preparing the dataset (once), are out. bench/README.md says why.
//
// With `nprocPerNode`, each round also runs the same command with `--nproc-per-node N` (DDP
// under torchrun, docs/distributed.md), timed the same way from rank 0's metrics.jsonl, and the
// report adds its images/s over the one-process engine's.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTorchPython, TorchNotFoundError } from '../src/engine/torch/python';
import { MODELS, type ModelName } from './models';

const REPO = path.join(__dirname, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const PLAIN = path.join(__dirname, 'torch_plain.py');

export type TorchDevice = 'auto' | 'cpu' | 'cuda';

export interface TorchEngineOptions {
  models: ModelName[];
  rounds: number;
  /** Epochs per run; the first `warmup` of them are not timed. */
  epochs: number;
  warmup: number;
  device: TorchDevice;
  /** Training images per run; default per model and device (trainImages()). */
  images?: number;
  testImages?: number;
  /** The training block's batch size unless given. */
  batch?: number;
  python?: string;
  /** Also run the engine as `--nproc-per-node N` (DDP) in every round. */
  nprocPerNode?: number;
}

interface Side { imagesPerSecond: number; seconds: number; images: number }
export interface TorchEngineFigure {
  model: ModelName;
  device: string;
  batch: number;
  trainImages: number;
  engine: Side & { rounds: number[] };
  plain: Side & { rounds: number[] };
  ratio: number;
  /** The DDP run's figure and its images/s ÷ the one-process engine's, with `nprocPerNode`. */
  ddp?: Side & { rounds: number[]; nprocPerNode: number; ddpRatio: number };
}
export interface TorchEngineReport { note: string; results: TorchEngineFigure[]; failures: Array<{ model: ModelName; reason: string }> }

/**
 * Training images per run: enough steps per epoch that the per-epoch work (evaluation,
 * checkpoints) weighs as it does in a real run, few enough that a CPU round ends in seconds.
 */
function trainImages(model: ModelName, gpu: boolean, o: TorchEngineOptions): number {
  if (o.images !== undefined) return o.images;
  if (model === 'resnet18') return gpu ? 20_000 : 1024;
  return gpu ? 60_000 : 10_000;
}

function testImages(model: ModelName, o: TorchEngineOptions): number {
  return o.testImages ?? (model === 'resnet18' ? 256 : 1000);
}

// ---- the engine's window, read from its run folder ----

interface MetricLine { type?: string; phase?: string; message?: string; time?: number }

/**
 * Seconds and images of the timed part of an engine run: from the `training` status of epoch
 * `warmup + 1` to `done`, over the epochs after the warm-up. Throws, naming what is missing,
 * when the run did not train every epoch.
 */
export function engineWindow(metricsJsonl: string, trainCount: number, epochs: number, warmup: number): Side {
  const lines = metricsJsonl.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as MetricLine);
  const first = lines.find((l) => l.type === 'status' && l.phase === 'training' && l.message?.startsWith(`epoch ${warmup + 1}/`));
  const done = lines.find((l) => l.type === 'done');
  const trained = lines.filter((l) => l.type === 'epoch').length;
  if (first?.time === undefined) throw new Error(`metrics.jsonl has no 'training' status for epoch ${warmup + 1}`);
  if (done?.time === undefined) throw new Error("metrics.jsonl has no 'done'");
  if (trained !== epochs) throw new Error(`the run trained ${trained} of ${epochs} epochs`);
  const seconds = (done.time - first.time) / 1000;
  const images = trainCount * (epochs - warmup);
  return { seconds, images, imagesPerSecond: images / seconds };
}

/** The best round's figure and every round's images/s, in the order run. */
export function bestOf(rounds: Side[]): Side & { rounds: number[] } {
  const best = rounds.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  return { ...best, rounds: rounds.map((r) => Math.round(r.imagesPerSecond)) };
}

// ---- processes ----

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-8000); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

/** A CIFAR-10 binary folder of random images (CIFAR-10 itself may not be on the machine). */
export function writeRandomCifar(dir: string, train: number, test: number): void {
  const folder = path.join(dir, 'cifar10');
  fs.mkdirSync(folder, { recursive: true });
  const record = 1 + 32 * 32 * 3;
  let state = 0x2545f491;
  const records = (n: number): Buffer => {
    const words = new Uint32Array(Math.ceil((n * record) / 4));
    for (let i = 0; i < words.length; i++) {
      // xorshift32: the same images every run, and fast enough for 50,000 of them.
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      words[i] = state >>> 0;
    }
    const buf = Buffer.from(words.buffer, 0, n * record);
    for (let r = 0; r < n; r++) buf[r * record] = r % 10;
    return buf;
  };
  // The loader reads data_batch_1…5 in turn: the first holds every training image asked for.
  fs.writeFileSync(path.join(folder, 'data_batch_1.bin'), records(train));
  for (let k = 2; k <= 5; k++) fs.writeFileSync(path.join(folder, `data_batch_${k}.bin`), records(1));
  fs.writeFileSync(path.join(folder, 'test_batch.bin'), records(test));
}

interface EngineRun { side: Side; runDir: string; device: string; python: string; batch: number }

class Bench {
  private readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-explorer-bench-torch-'));
  private cifarFor = -1;

  constructor(private readonly o: TorchEngineOptions) {}

  /** The environment of both sides: the prepared datasets in the bench's cache; no GPU when asked for the CPU. */
  private env(): NodeJS.ProcessEnv {
    return { ...process.env, XDG_CACHE_HOME: path.join(this.tmp, 'cache'), ...(this.o.device === 'cpu' ? { CUDA_VISIBLE_DEVICES: '' } : {}) };
  }

  /** `cnn-explorer train`'s arguments for one engine run: on one process, or DDP on `nprocPerNode`. */
  private engineArgs(model: ModelName, images: number, python: string, nprocPerNode?: number): string[] {
    const { file, exportName } = MODELS[model];
    const o = this.o;
    const args = [CLI, 'train', path.join(REPO, 'examples', file), '--backend', 'torch', '--epochs', String(o.epochs),
      '--limit-train', String(images), '--limit-test', String(testImages(model, o)), '--runs-dir', path.join(this.tmp, 'runs'), '--json'];
    if (exportName) args.push('--model', exportName);
    if (o.batch) args.push('--batch-size', String(o.batch));
    args.push('--python', python);
    if (nprocPerNode !== undefined) args.push('--nproc-per-node', String(nprocPerNode));
    if (model === 'resnet18') {
      if (this.cifarFor !== images) {
        writeRandomCifar(path.join(this.tmp, 'data'), images, testImages(model, o));
        this.cifarFor = images;
      }
      // Augmentation is work the plain loop does not do, not the engine's overhead.
      args.push('--data-dir', path.join(this.tmp, 'data'), '--set', 'augment={}');
    }
    return args;
  }

  async engine(model: ModelName, images: number, python: string, nprocPerNode?: number): Promise<EngineRun> {
    const o = this.o;
    const r = await runProcess(process.execPath, this.engineArgs(model, images, python, nprocPerNode), this.env());
    if (r.code !== 0) throw new Error(`cnn-explorer train failed: ${lastLine(r.stderr)}`);
    const result = JSON.parse(lastLine(r.stdout)) as { runDir: string };
    const runJson = JSON.parse(fs.readFileSync(path.join(result.runDir, 'run.json'), 'utf8')) as {
      dataset: { trainCount: number }; backend: { detail?: string } | null; distributed?: { worldSize: number };
    };
    const spec = JSON.parse(fs.readFileSync(path.join(result.runDir, 'spec.json'), 'utf8')) as {
      config: { batchSize: number }; torch: { python: string };
    };
    const device = /^(cuda|mps|cpu)/.exec(runJson.backend?.detail ?? '')?.[1] ?? 'cpu';
    if (o.device === 'cuda' && device !== 'cuda') throw new Error(`the engine trained on ${runJson.backend?.detail ?? 'an unknown device'}, not CUDA`);
    const worldSize = runJson.distributed?.worldSize ?? 1;
    if (worldSize !== (nprocPerNode ?? 1)) throw new Error(`the engine trained on ${worldSize} process(es), not ${nprocPerNode ?? 1}`);
    const metrics = fs.readFileSync(path.join(result.runDir, 'metrics.jsonl'), 'utf8');
    return {
      side: engineWindow(metrics, runJson.dataset.trainCount, o.epochs, o.warmup),
      runDir: result.runDir, device, python: spec.torch.python, batch: spec.config.batchSize,
    };
  }

  async plain(run: EngineRun): Promise<Side> {
    const r = await runProcess(run.python, [PLAIN, run.runDir, '--epochs', String(this.o.epochs), '--warmup', String(this.o.warmup), '--device', run.device], this.env());
    if (r.code !== 0) throw new Error(`bench/torch_plain.py failed: ${lastLine(r.stderr)}`);
    const { imagesPerSecond, seconds, images } = JSON.parse(lastLine(r.stdout)) as Side;
    return { imagesPerSecond, seconds, images };
  }

  dispose(): void {
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Builds dist/ (the CLI the engine side runs), as a user's `cnn-explorer` is built. */
async function buildCli(): Promise<void> {
  const r = await runProcess(process.execPath, [path.join(REPO, 'esbuild.mjs')], process.env);
  if (r.code !== 0) throw new Error(`node esbuild.mjs failed: ${lastLine(r.stderr)}`);
}

export async function measureTorchEngine(o: TorchEngineOptions, log: (line: string) => void): Promise<TorchEngineReport> {
  const results: TorchEngineFigure[] = [];
  const failures: TorchEngineReport['failures'] = [];
  let found;
  try {
    found = await findTorchPython(o.python ? [{ python: o.python, from: '--python' }] : []);
  } catch (err) {
    if (!(err instanceof TorchNotFoundError)) throw err;
    return { note: `not measured: ${err.message}`, results, failures };
  }
  if (o.device === 'cuda' && found.device !== 'cuda') return { note: `not measured: ${found.python} sees no CUDA GPU`, results, failures };
  const note = `${found.python}, torch ${found.torchVersion}${found.deviceName ? ` on ${found.deviceName}` : ''}`;
  await buildCli();
  const bench = new Bench(o);
  try {
    for (const model of o.models) {
      const images = trainImages(model, o.device !== 'cpu' && found.device !== 'cpu', o);
      log(`torch engine: ${model}, ${images} images × ${o.epochs} epochs, engine and plain loop alternating…`);
      try {
        const engine: Side[] = [];
        const plain: Side[] = [];
        const ddp: Side[] = [];
        let run: EngineRun | undefined;
        for (let r = 0; r < o.rounds; r++) {
          run = await bench.engine(model, images, found.python);
          engine.push(run.side);
          if (o.nprocPerNode !== undefined) ddp.push((await bench.engine(model, images, found.python, o.nprocPerNode)).side);
          plain.push(await bench.plain(run));
        }
        const e = bestOf(engine);
        const p = bestOf(plain);
        const d = o.nprocPerNode !== undefined ? bestOf(ddp) : undefined;
        results.push({
          model, device: run!.device, batch: run!.batch, trainImages: images, engine: e, plain: p, ratio: e.imagesPerSecond / p.imagesPerSecond,
          ...(d ? { ddp: { ...d, nprocPerNode: o.nprocPerNode!, ddpRatio: d.imagesPerSecond / e.imagesPerSecond } } : {}),
        });
      } catch (err) {
        failures.push({ model, reason: (err as Error).message });
        log(`torch engine: ${model} not measured: ${(err as Error).message}`);
      }
    }
  } finally {
    bench.dispose();
  }
  return { note, results, failures };
}

export function torchEngineTable(report: TorchEngineReport, o: TorchEngineOptions): string[] {
  const n = o.nprocPerNode;
  const ddpHead = n !== undefined ? `${`DDP ×${n}`.padStart(10)}${'DDP ÷ 1'.padStart(9)}` : '';
  const out = [`Torch engine through \`cnn-explorer train\`${n !== undefined ? ` (on one process and with --nproc-per-node ${n})` : ''} against a plain PyTorch loop, `
    + `training images/s over epochs ${o.warmup + 1}–${o.epochs} (warm-up ${o.warmup}), the best of ${o.rounds} alternating rounds${report.note ? `; ${report.note}` : ''}.`];
  out.push(`${'model'.padEnd(22)}${'device'.padEnd(8)}${'batch'.padStart(6)}${'images'.padStart(8)}${'engine'.padStart(10)}${'plain'.padStart(10)}${'× plain'.padStart(9)}${ddpHead}`);
  for (const f of report.results) {
    const fmt = (v: number) => v.toFixed(v < 100 ? 1 : 0).padStart(10);
    const ddp = f.ddp ? `${fmt(f.ddp.imagesPerSecond)}${`${f.ddp.ddpRatio.toFixed(2)}×`.padStart(9)}` : '';
    out.push(`${MODELS[f.model].label.padEnd(22)}${f.device.padEnd(8)}${String(f.batch).padStart(6)}${String(f.trainImages).padStart(8)}`
      + `${fmt(f.engine.imagesPerSecond)}${fmt(f.plain.imagesPerSecond)}${`${f.ratio.toFixed(2)}×`.padStart(9)}${ddp}`);
  }
  for (const f of report.failures) out.push(`${MODELS[f.model].label.padEnd(22)}not measured: ${f.reason}`);
  return out;
}
