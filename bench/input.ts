// `npm run bench:input` — the training input pipeline: where the next batch is prepared. On the
// loop's own thread (gathered from the shuffled set and augmented after the step is queued, the
// loop before the batch thread) against the batch thread (BatchPipeline: prepared steps ahead,
// handed over ready), in alternating rounds of the same training on real MNIST. Prints training
// images/s for each, their ratio, and the main thread's time per step to obtain the next batch.
// Timings depend on the machine: nothing here asserts a number.

import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../src/engine/backends/index';
import { BatchPipeline } from '../src/engine/data/batchPipeline';
import { augmentBatch, batches, loadDataset, Rng, type AugmentSpec, type Batch, type Split } from '../src/engine/data/index';
import { buildModel, MODELS, trainStep, type ModelName } from './models';

const USAGE = `npm run bench:input [-- --json] [--backend wasm] [--seconds 5] [--batch 64]

  --json      one JSON object instead of the table
  --backend   the tfjs backend (default wasm, the default for training)
  --seconds   timed seconds per case and way, split into 5 alternating rounds`;

const ROUNDS = 5;

/** The cases: a model on MNIST, with and without the usual augmentations of the seeds' experiments. */
const CASES: Array<{ model: ModelName; label: string; augment?: AugmentSpec }> = [
  { model: 'smallcnn', label: 'small CNN' },
  { model: 'smallcnn', label: 'small CNN, crop ±2 + rotate 10°', augment: { randomCrop: { padding: 2 }, rotation: 10 } },
  { model: 'lenet5', label: 'LeNet-5, crop ±2 + rotate 10°', augment: { randomCrop: { padding: 2 }, rotation: 10 } },
];

type Way = 'loop thread' | 'batch thread';

/** The next batch, one way or the other; `take` is what the loop's thread spends on it. */
interface BatchSource {
  take(): Promise<{ images: Float32Array; labels: Int32Array; count: number }>;
  dispose(): Promise<void>;
}

function onLoopThread(split: Split, shape: [number, number, number], batch: number, augment?: AugmentSpec): BatchSource {
  let epoch = 0;
  let it: Iterator<Batch> | null = null;
  let rng = new Rng(0);
  return {
    async take() {
      for (;;) {
        it ??= batches(split, batch, { shuffle: true, seed: 1, epoch })[Symbol.iterator]();
        const r = it.next();
        if (!r.done) {
          const images = augment ? augmentBatch(r.value.images, r.value.count, shape, augment, rng) : r.value.images;
          return { images, labels: r.value.labels, count: r.value.count };
        }
        it = null;
        rng = new Rng(++epoch);
      }
    },
    async dispose() { /* nothing held */ },
  };
}

function onBatchThread(split: Split, shape: [number, number, number], batch: number, augment?: AugmentSpec): BatchSource {
  const pipeline = new BatchPipeline(split, shape);
  let epoch = 0;
  const start = () => pipeline.startEpoch({ batchSize: batch, seed: 1, epoch, augment: augment && { spec: augment, seed: epoch } });
  start();
  return {
    async take() {
      for (;;) {
        const b = await pipeline.next();
        if (b) return b;
        epoch++;
        start();
      }
    },
    dispose: () => pipeline.dispose(),
  };
}

interface Round { imagesPerSecond: number; takeMs: number }

/** Training steps for `seconds`, each batch taken where the loop takes it: after the step is queued. */
async function round(
  step: (x: tf.Tensor, y: tf.Tensor1D, whileRunning: () => Promise<void>) => Promise<number>,
  source: BatchSource, shape: [number, number, number], seconds: number,
): Promise<Round> {
  const upload = (b: Awaited<ReturnType<BatchSource['take']>>) => ({
    x: tf.tensor(b.images, [b.count, ...shape], 'float32'), y: tf.tensor1d(b.labels, 'int32'), count: b.count,
  });
  let next = upload(await source.take());
  let images = 0, takeMs = 0, steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const { x, y, count } = next;
    await step(x, y, async () => {
      const s = performance.now();
      next = upload(await source.take());
      takeMs += performance.now() - s;
    });
    tf.dispose([x, y]);
    images += count;
    steps++;
  }
  const elapsed = (performance.now() - t0) / 1000;
  tf.dispose([next.x, next.y]);
  return { imagesPerSecond: images / elapsed, takeMs: takeMs / steps };
}

function parseArgs(argv: string[]): { json: boolean; backend: BackendName; seconds: number; batch: number } {
  const o = { json: false, backend: 'wasm' as BackendName, seconds: 5, batch: 64 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i] ?? '';
    if (a === '--json') o.json = true;
    else if (a === '--backend') o.backend = next() as BackendName;
    else if (a === '--seconds') o.seconds = Number(next());
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--help' || a === '-h') { process.stdout.write(`${USAGE}\n`); process.exit(0); }
    else throw new Error(`unknown argument ${a}\n\n${USAGE}`);
  }
  if (!(o.seconds > 0) || !(Number.isInteger(o.batch) && o.batch > 0)) throw new Error(`--seconds and --batch must be positive\n\n${USAGE}`);
  return o;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  tf.enableProdMode();
  const backend = await selectBackend(o.backend);
  const log = (s: string) => { if (!o.json) process.stderr.write(`${s}\n`); };
  const ds = await loadDataset('mnist');
  const results = [];
  for (const c of CASES) {
    const { shape } = MODELS[c.model];
    log(`measuring ${c.label}, alternating the two ways…`);
    const { model, kind } = await buildModel(c.model);
    const opt = tf.train.sgd(0.01);
    const step = (x: tf.Tensor, y: tf.Tensor1D, whileRunning: () => Promise<void>) => trainStep(model, kind, opt, x, y, whileRunning);
    const sources: Record<Way, BatchSource> = {
      'loop thread': onLoopThread(ds.train, shape, o.batch, c.augment),
      'batch thread': onBatchThread(ds.train, shape, o.batch, c.augment),
    };
    const rounds: Record<Way, Round[]> = { 'loop thread': [], 'batch thread': [] };
    // Warm-up (V8 tiering up tfjs's JavaScript, the worker starting) on both ways, not timed.
    for (const way of Object.keys(sources) as Way[]) await round(step, sources[way], shape, 1);
    for (let r = 0; r < ROUNDS; r++) {
      // Alternating which goes first, so neither always follows the other.
      const order: Way[] = r % 2 === 0 ? ['loop thread', 'batch thread'] : ['batch thread', 'loop thread'];
      for (const way of order) rounds[way].push(await round(step, sources[way], shape, o.seconds / ROUNDS));
    }
    for (const s of Object.values(sources)) await s.dispose();
    model.dispose();
    opt.dispose();
    const best = (way: Way) => rounds[way].reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    results.push({
      case: c.label, model: c.model, augment: c.augment ?? null,
      loopThread: { imagesPerSecond: best('loop thread').imagesPerSecond, takeMs: median(rounds['loop thread'].map((r) => r.takeMs)), rounds: rounds['loop thread'] },
      batchThread: { imagesPerSecond: best('batch thread').imagesPerSecond, takeMs: median(rounds['batch thread'].map((r) => r.takeMs)), rounds: rounds['batch thread'] },
      ratio: best('batch thread').imagesPerSecond / best('loop thread').imagesPerSecond,
    });
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ backend: backend.name, detail: backend.detail, batch: o.batch, dataset: ds.source, results })}\n`);
    return;
  }
  const out = [
    `Training images/s on real MNIST, batch ${o.batch}, SGD, ${backend.name} (${backend.detail}); the best of ${ROUNDS} alternating rounds.`,
    'The next batch prepared on the loop\'s thread after the step is queued, or by the batch thread ahead;',
    '"take" is the loop thread\'s time per step to get it (median of the rounds), uploading included.',
    `${'case'.padEnd(34)}${'loop thread'.padStart(12)}${'take ms'.padStart(9)}${'batch thread'.padStart(14)}${'take ms'.padStart(9)}${'ratio'.padStart(8)}`,
  ];
  for (const r of results) {
    out.push(`${r.case.padEnd(34)}${r.loopThread.imagesPerSecond.toFixed(0).padStart(12)}${r.loopThread.takeMs.toFixed(3).padStart(9)}` +
      `${r.batchThread.imagesPerSecond.toFixed(0).padStart(14)}${r.batchThread.takeMs.toFixed(3).padStart(9)}${`${r.ratio.toFixed(2)}×`.padStart(8)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
