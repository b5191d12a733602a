// `npm run bench` — training speed, images/s, per available tfjs backend next to PyTorch CPU on
// the same models, batch size and random data: LeNet-5 and the seed's small CNN on MNIST-shaped
// input (28×28×1), and ResNet-18 on CIFAR-shaped input (32×32×3). One SGD step per batch,
// softmax cross-entropy, the loss read back every step (as a training loop does).
//
//   npm run bench [-- --json] [--backends wasm,cpu] [--models lenet5,smallcnn,resnet18]
//                 [--seconds 3] [--threads 2] [--profile] [--no-torch] [--torch-device cuda]
//
// --json prints one JSON object (figures and ratios to PyTorch) instead of the table.
// --profile prints, per model and backend, the time per kernel over one training step.
// Timings depend on the machine: nothing here asserts a number.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModelFile, selectModel } from '../src/loader/index';
import { buildTfModel } from '../src/engine/model/index';
import { BACKEND_NAMES, BackendError, selectBackend, type BackendName } from '../src/engine/backends/index';

type ModelName = 'lenet5' | 'smallcnn' | 'resnet18';

interface Options {
  json: boolean; profile: boolean; torch: boolean;
  backends: BackendName[]; models: ModelName[]; seconds: number; threads: number; batch: number;
  torchDevice: 'cpu' | 'cuda';
  /** --backends was given: measure each of them, software WebGPU adapters included. */
  backendsGiven: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    json: false, profile: false, torch: true, backends: [...BACKEND_NAMES],
    models: ['lenet5', 'smallcnn', 'resnet18'], seconds: 3, threads: 2, batch: 64, torchDevice: 'cpu', backendsGiven: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i] ?? '';
    if (a === '--json') o.json = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--no-torch') o.torch = false;
    else if (a === '--backends') { o.backends = next().split(',') as BackendName[]; o.backendsGiven = true; }
    else if (a === '--models') o.models = next().split(',') as ModelName[];
    else if (a === '--seconds') o.seconds = Number(next());
    else if (a === '--threads') o.threads = Number(next());
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--torch-device') o.torchDevice = next() === 'cuda' ? 'cuda' : 'cpu';
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// ---- the models: the examples users train, through the product's own loader and builder ----
// (bench/train.py defines the same architectures in PyTorch.)

const EXAMPLES = path.join(__dirname, '..', 'examples');

const MODELS: Record<ModelName, { file: string; exportName?: string; shape: [number, number, number]; label: string }> = {
  lenet5: { file: 'lenet.cnn.ts', shape: [28, 28, 1], label: 'LeNet-5 (28×28×1)' },
  smallcnn: { file: 'mlp-vs-cnn.cnn.ts', exportName: 'cnn', shape: [28, 28, 1], label: 'small CNN (28×28×1)' },
  resnet18: { file: 'resnet18-cifar.cnn.ts', shape: [32, 32, 3], label: 'ResNet-18 (32×32×3)' },
};

async function buildModel(name: ModelName): Promise<tfl.LayersModel> {
  const { file, exportName } = MODELS[name];
  const loaded = await loadModelFile(path.join(EXAMPLES, file));
  return buildTfModel(selectModel(loaded, exportName).model);
}

/** How long to run each measurement: the slow cases get a step or two, not seconds of them. */
function budget(model: ModelName, backend: BackendName | 'torch', o: Options): { warmup: number; minSteps: number; seconds: number } {
  if (backend === 'cpu') return { warmup: 1, minSteps: 1, seconds: 0 };
  const onCpu = backend === 'wasm' || (backend === 'torch' && o.torchDevice === 'cpu');
  if (model === 'resnet18' && onCpu) return { warmup: 1, minSteps: 2, seconds: 0 };
  return { warmup: 3, minSteps: 5, seconds: o.seconds };
}

// ---- tfjs measurement ----

/** Timed rounds per measurement (each seconds/ROUNDS long); the fastest is reported. */
const ROUNDS = 3;

interface Figure { model: ModelName; backend: string; imagesPerSecond: number; steps: number; seconds: number; detail?: string }

// The loss is read asynchronously: webgpu cannot read synchronously in Node (no OffscreenCanvas).
async function trainStep(model: tfl.LayersModel, opt: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const loss = opt.minimize(() => {
    const logits = model.apply(x, { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  }, true)!;
  const value = (await loss.data())[0]!;
  loss.dispose();
  return value;
}

function randomBatches(shape: [number, number, number], batch: number): Array<{ x: tf.Tensor; y: tf.Tensor }> {
  return Array.from({ length: 4 }, () => ({
    x: tf.randomUniform([batch, ...shape]),
    y: tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10),
  }));
}

async function measureTfjs(name: ModelName, backend: BackendName, o: Options): Promise<Figure> {
  const { shape } = MODELS[name];
  const model = await buildModel(name);
  const opt = tf.train.sgd(0.01);
  const data = randomBatches(shape, o.batch);
  const b = budget(name, backend, o);
  let i = 0;
  const step = () => { const d = data[i++ % data.length]!; return trainStep(model, opt, d.x, d.y); };
  for (let w = 0; w < b.warmup; w++) await step();
  // The best of ROUNDS rounds: other processes on a small machine only ever slow a round down.
  let best = { imagesPerSecond: 0, steps: 0, seconds: 0 };
  for (let round = 0; round < (b.seconds > 0 ? ROUNDS : 1); round++) {
    let steps = 0;
    const t0 = performance.now();
    let elapsed = 0;
    do {
      await step();
      steps++;
      elapsed = (performance.now() - t0) / 1000;
    } while (steps < b.minSteps || elapsed < b.seconds / ROUNDS);
    const ips = (steps * o.batch) / elapsed;
    if (ips > best.imagesPerSecond) best = { imagesPerSecond: ips, steps, seconds: elapsed };
  }
  const figure = { model: name, backend, ...best };
  if (o.profile) await profile(name, backend, () => step());
  model.dispose();
  opt.dispose();
  tf.dispose(data.flatMap((d) => [d.x, d.y]));
  return figure;
}

/**
 * Time per kernel, averaged over PROFILE_STEPS training steps, largest first (stderr, so --json
 * stays clean). Op scopes (names ending in __op) wrap kernels already listed and are left out of
 * the total; what the total misses of a step's wall time is tfjs's own bookkeeping.
 */
const PROFILE_STEPS = 5;
async function profile(name: ModelName, backend: string, step: () => Promise<number>): Promise<void> {
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  const t0 = performance.now();
  for (let s = 0; s < PROFILE_STEPS; s++) {
    const info = await tf.profile(step);
    for (const k of info.kernels) {
      if (k.name.endsWith('__op')) continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += ms;
      e.calls++;
      byKernel.set(k.name, e);
      total += ms;
    }
  }
  const wall = (performance.now() - t0) / PROFILE_STEPS;
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  process.stderr.write(`\nprofile ${name} on ${backend}, per step: ${(total / PROFILE_STEPS).toFixed(1)} ms in kernels ` +
    `(${wall.toFixed(1)} ms wall while profiling)\n`);
  for (const [k, e] of rows.slice(0, 14)) {
    process.stderr.write(`  ${k.padEnd(28)} ${(e.ms / PROFILE_STEPS).toFixed(2).padStart(8)} ms  ${String(e.calls / PROFILE_STEPS).padStart(4)} calls\n`);
  }
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

function measureTorch(o: Options): { figures: Figure[]; note: string } {
  const py = findTorchPython();
  if (!py) return { figures: [], note: 'no Python with torch found (tried $CNN_EXPLORER_PYTHON, python3, /usr/bin/python3, python)' };
  const b = (m: ModelName) => budget(m, 'torch', o);
  const cfg = {
    models: o.models, batch: o.batch, threads: o.threads, warmup: 3, seconds: o.seconds, minSteps: 5, device: o.torchDevice, rounds: ROUNDS,
    warmupFor: Object.fromEntries(o.models.map((m) => [m, b(m).warmup])),
    minStepsFor: Object.fromEntries(o.models.map((m) => [m, b(m).minSteps])),
    secondsFor: Object.fromEntries(o.models.map((m) => [m, b(m).seconds])),
  };
  const r = spawnSync(py, [path.join(__dirname, 'train.py'), JSON.stringify(cfg)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return { figures: [], note: `PyTorch bench failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const info = lines.find((l) => 'info' in l)?.info as { torch: string; threads: number; gpu?: string } | undefined;
  const figures = lines.filter((l) => 'model' in l).map((l) => ({
    model: l.model as ModelName, backend: 'pytorch', imagesPerSecond: l.imagesPerSecond as number,
    steps: l.steps as number, seconds: l.seconds as number,
  }));
  const where = info?.gpu ? `CUDA on ${info.gpu}` : `CPU, ${info?.threads ?? o.threads} threads`;
  return { figures, note: `PyTorch ${info?.torch ?? '?'} ${where} (${py})` };
}

// ---- main ----

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (s: string) => { if (!o.json) process.stderr.write(`${s}\n`); };
  const figures: Figure[] = [];
  const backends: Record<string, { available: boolean; detail?: string; reason?: string }> = {};
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
      log(`measuring ${m} on ${backend}…`);
      figures.push({ ...(await measureTfjs(m, backend, o)), detail: backends[backend]!.detail });
    }
  }
  let torchNote = 'skipped (--no-torch)';
  if (o.torch) {
    log('measuring PyTorch…');
    const t = measureTorch(o);
    figures.push(...t.figures);
    torchNote = t.note;
  }
  const torchOf = (m: ModelName) => figures.find((f) => f.backend === 'pytorch' && f.model === m)?.imagesPerSecond;
  const rows = figures.map((f) => {
    const ref = torchOf(f.model);
    return { ...f, ratioToPytorch: ref ? f.imagesPerSecond / ref : null };
  });
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ batch: o.batch, backends, pytorch: torchNote, results: rows })}\n`);
    return;
  }
  const out: string[] = [];
  out.push(`Training images/s, batch ${o.batch}, SGD, random data. ${torchNote}.`);
  out.push(`${'model'.padEnd(22)}${'backend'.padEnd(12)}${'images/s'.padStart(10)}${'× PyTorch'.padStart(11)}${'steps'.padStart(7)}`);
  for (const r of rows) {
    out.push(`${MODELS[r.model].label.padEnd(22)}${r.backend.padEnd(12)}${r.imagesPerSecond.toFixed(r.imagesPerSecond < 100 ? 1 : 0).padStart(10)}` +
      `${(r.ratioToPytorch === null ? '—' : `${r.ratioToPytorch.toFixed(2)}×`).padStart(11)}${String(r.steps).padStart(7)}`);
  }
  for (const [name, b] of Object.entries(backends)) if (b.available) out.push(`${name}: ${b.detail ?? ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
