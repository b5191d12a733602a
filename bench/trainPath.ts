// The `train` column of `npm run bench`: images/s of the training loop that `cnn-explorer
// train` runs (src/engine/trainer/run.ts → src/engine/training/loop.ts: batches from the batch
// thread, normalized on the backend, the loss and accuracy read back every step, every iteration
// record written to metrics.jsonl, the event loop's turns), in the bench's own process, on the
// bench's backend, batch size and optimizer (SGD, lr 0.01, no momentum), so that what differs
// from the bench's step is the loop's own work. Only the trainer process around it (starting,
// its stdout pipe to the CLI) is left out.
//
// A round is one run of two epochs: the first warms the new model and the loop up; the second is
// timed as the loop times an epoch (its record's imagesPerSecond: from asking for its first batch
// to its last step's record). Evaluation, checkpoints and the epoch's record come after that
// window: they are reported apart, per epoch. The loop's probe splits the timed epoch into items.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSetArgument } from '../src/engine/training/overrides';
import type { LoopItem } from '../src/engine/training/loopProbe';
import { prepareRuns } from '../src/engine/trainer/start';
import { runTrainer } from '../src/engine/trainer/run';
import type { TfjsBackendName } from '../src/engine/backends/index';
import type { TrainerMessage } from '../src/shared/trainerProtocol';
import { gcMs } from './gcTime';
import { MODELS, type ModelName } from './models';
import { writeRandomCifar } from './torchEngine';

/** Items of the timed epoch, per step; what they leave of the epoch's time is `other`. */
const STEP_ITEMS = ['batch', 'upload', 'step', 'read', 'record', 'yield'] as const satisfies readonly LoopItem[];
/** Items after the timed window, per epoch. */
const EPOCH_ITEMS = ['evaluate', 'checkpoint', 'epochRecord'] as const satisfies readonly LoopItem[];

export type StepItem = typeof STEP_ITEMS[number] | 'other';
export type EpochItem = typeof EPOCH_ITEMS[number];

export interface TrainRound {
  steps: number;
  seconds: number;
  imagesPerSecond: number;
  /** Milliseconds per step of the timed epoch, by item. */
  msPerStep: Record<StepItem, number>;
  /** Milliseconds per step in V8's garbage collector during the timed epoch (inside the items). */
  gcMsPerStep: number;
  /** Milliseconds of the timed epoch's evaluation, checkpoint writes and record. */
  msPerEpoch: Record<EpochItem, number>;
}

const TIMED_EPOCH = 2;
/** Test images evaluated per epoch: a batch, so that a round is mostly training. */
const TEST_BATCHES = 1;

/** The train path of one model on the current tfjs backend: rounds of `cnn-explorer train`'s loop. */
export class TrainPath {
  private readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-explorer-bench-train-'));
  private cifarFor = -1;

  constructor(private readonly model: ModelName, private readonly backend: TfjsBackendName, private readonly batch: number) {}

  /** One round: two epochs of `images` training images (whole batches), the second timed. */
  async round(images: number): Promise<TrainRound> {
    const { file, exportName, shape } = MODELS[this.model];
    const testImages = TEST_BATCHES * this.batch;
    const set = [
      'epochs=2', `batchSize=${this.batch}`, "optimizer={type:'sgd',lr:0.01,momentum:0}", 'validationSplit=0', 'augment={}',
      `dataset=${shape[2] === 1 ? 'synthetic' : 'cifar10'}`,
    ];
    if (shape[2] !== 1 && this.cifarFor !== images) {
      writeRandomCifar(path.join(this.tmp, 'data'), images, testImages);
      this.cifarFor = images;
    }
    const [run] = await prepareRuns({
      file: path.join(__dirname, '..', 'examples', file), exportName, overrides: set.map(parseSetArgument),
      runsDir: path.join(this.tmp, 'runs'), backend: this.backend,
      data: { dataDir: path.join(this.tmp, 'data'), limitTrain: images, limitTest: testImages, online: false },
    });
    const spent = new Map<LoopItem, number>();
    let steps = 0;
    let from = 0;
    let to = 0;
    const stepItems: readonly LoopItem[] = STEP_ITEMS;
    let timed: { seconds: number; imagesPerSecond: number } | null = null;
    let failure = '';
    const result = await runTrainer(run!.spec, {
      shouldStop: () => false,
      probe: {
        spent: (item, ms, epoch) => {
          if (epoch !== TIMED_EPOCH) return;
          spent.set(item, (spent.get(item) ?? 0) + ms);
          if (item === 'step') steps++;
          if (stepItems.includes(item)) {
            to = performance.now();
            if (!from) from = to - ms;
          }
        },
      },
      send: (line) => {
        const msg = JSON.parse(line) as TrainerMessage;
        if (msg.type === 'error') failure = msg.message;
        if (msg.type === 'epoch' && msg.epoch === TIMED_EPOCH) {
          timed = { seconds: msg.seconds, imagesPerSecond: msg.imagesPerSecond };
        }
      },
    });
    fs.rmSync(run!.runDir, { recursive: true, force: true });
    if (result.status !== 'completed' || !timed) throw new Error(`the training loop did not complete: ${failure || result.error || result.status}`);
    const { seconds, imagesPerSecond } = timed as { seconds: number; imagesPerSecond: number };
    const perStep = (item: LoopItem) => (spent.get(item) ?? 0) / steps;
    const msPerStep = Object.fromEntries(STEP_ITEMS.map((i) => [i, perStep(i)])) as Record<StepItem, number>;
    msPerStep.other = (seconds * 1000) / steps - STEP_ITEMS.reduce((sum, i) => sum + msPerStep[i], 0);
    const msPerEpoch = Object.fromEntries(EPOCH_ITEMS.map((i) => [i, spent.get(i) ?? 0])) as Record<EpochItem, number>;
    return { steps, seconds, imagesPerSecond, msPerStep, gcMsPerStep: (await gcMs(from, to)) / steps, msPerEpoch };
  }

  dispose(): void {
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** The items' names, in the order the per-item table shows them. */
export const ITEMS = { step: [...STEP_ITEMS, 'other'] as StepItem[], epoch: [...EPOCH_ITEMS] as EpochItem[] };
