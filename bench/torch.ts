// `npm run bench:torch` — the torch engine through `cnn-explorer train` against a plain PyTorch
// loop on the same model and data (bench/torchEngine.ts says how). `npm run bench` runs the same
// measurement after its own, on its --models and --torch-device. With --nproc-per-node N, the
// engine also runs as DDP (docs/distributed.md) in each round, and its figure is set beside.

import { MODELS, type ModelName } from './models';
import { measureTorchEngine, torchEngineTable, type TorchDevice, type TorchEngineOptions } from './torchEngine';

const USAGE = `npm run bench:torch [-- --json] [--models lenet5,smallcnn,resnet18] [--torch-device auto|cpu|cuda]
                       [--rounds 3] [--epochs 3] [--warmup 1] [--images N] [--test-images N] [--batch N] [--python PATH]
                       [--nproc-per-node N]

  --json          one JSON object (every round's figure and the ratios) instead of the table
  --torch-device  auto (default): where the engine trains here, the GPU when PyTorch sees one;
                  cpu: CUDA hidden from both sides; cuda: fails when there is no GPU
  --rounds        alternating engine and plain-loop runs per model; the best of each is reported
  --epochs        epochs per run, of which the first --warmup are not timed
  --images        training images per run (default: 10000 MNIST, 1024 CIFAR-shaped on the CPU;
                  60000 and 20000 on a GPU)
  --test-images   test images evaluated after each epoch, on both sides (default 1000, 256 for ResNet-18)
  --batch         batch size (default: each model file's training block)
  --python        the Python with PyTorch (default: as the engine finds it)
  --nproc-per-node  also run the engine as \`cnn-explorer train ... --nproc-per-node N\` (DDP under
                  torchrun: one rank per GPU, or N CPU processes of cores/N threads each) in every
                  round, on the same model, data, epochs and global batch; adds its images/s and
                  DDP ÷ one process (default: no DDP run)`;

class UsageError extends Error {}

function positive(flag: string, value: string | undefined, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new UsageError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got '${value ?? ''}'`);
  return n;
}

function parseArgs(argv: string[]): TorchEngineOptions & { json: boolean } {
  const o: TorchEngineOptions & { json: boolean } = { json: false, models: Object.keys(MODELS) as ModelName[], rounds: 3, epochs: 3, warmup: 1, device: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i];
    if (a === '--json') o.json = true;
    else if (a === '--models') o.models = (next() ?? '').split(',').filter(Boolean) as ModelName[];
    else if (a === '--torch-device') {
      const d = next();
      if (d !== 'auto' && d !== 'cpu' && d !== 'cuda') throw new UsageError(`--torch-device must be auto, cpu or cuda, got '${d ?? ''}'`);
      o.device = d satisfies TorchDevice;
    } else if (a === '--rounds') o.rounds = positive(a, next());
    else if (a === '--epochs') o.epochs = positive(a, next());
    else if (a === '--warmup') o.warmup = positive(a, next(), true);
    else if (a === '--images') o.images = positive(a, next());
    else if (a === '--test-images') o.testImages = positive(a, next());
    else if (a === '--batch') o.batch = positive(a, next());
    else if (a === '--python') o.python = next();
    else if (a === '--nproc-per-node') o.nprocPerNode = positive(a, next());
    else if (a === '--help' || a === '-h') { process.stdout.write(`${USAGE}\n`); process.exit(0); }
    else throw new UsageError(`unknown argument ${a}`);
  }
  const bad = o.models.find((m) => !(m in MODELS));
  if (bad !== undefined) throw new UsageError(`unknown model '${bad}': expected ${Object.keys(MODELS).join(', ')}`);
  if (o.warmup >= o.epochs) throw new UsageError(`--warmup (${o.warmup}) must be less than --epochs (${o.epochs}): no epoch would be timed`);
  return o;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const report = await measureTorchEngine(o, (line) => { if (!o.json) process.stderr.write(`${line}\n`); });
  if (o.json) process.stdout.write(`${JSON.stringify({ ...o, ...report })}\n`);
  else process.stdout.write(`${torchEngineTable(report, o).join('\n')}\n`);
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`bench:torch: ${e.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
