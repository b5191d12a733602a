// The training input pipeline: a worker thread gathers (and augments) an epoch's batches a few
// steps ahead, so the training step, which computes on the main thread on the wasm backend,
// never waits for its next batch. The batches are exactly those of `batches` + `augmentBatch`
// run in order on the main thread (the same shuffle, the same augmentation draws).
//
// The main thread takes a finished batch without a turn of its event loop
// (`receiveMessageOnPort`: a turn costs about as much as gathering a batch); only when the
// worker is behind does it wait, on a shared counter the worker bumps after each message. It
// tells the worker what it took through another shared counter, and wakes it only every REFILL
// batches: on a machine whose cores the backend's threads already fill, each wake-up of the
// worker can pause one of those threads mid-operator, so the worker runs seldom, in bursts (and,
// on Linux, at a lower priority: batchWorker.ts).
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { findProgram, startThread } from '../programs';
import type { AugmentSpec } from './augment';
import type { Split } from './types';

/** What one epoch's batches are: the same options as `batches` and `augmentBatch` take. */
export interface EpochPlan {
  batchSize: number;
  /** The shuffle's seed; with `epoch`, each epoch has its own order (see `batchOrder`). */
  seed: number;
  epoch: number;
  /** Augmentation, drawn from `new Rng(seed)` image by image, in batch order. */
  augment?: { spec: AugmentSpec; seed: number };
}

/** A prepared batch: `count` images (augmented if the plan says so) and their labels. */
export interface ReadyBatch {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

// ---- messages between the loop's thread and the worker (this file declares both sides) ----

export interface WorkerSetup {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  imageShape: [number, number, number];
  port: MessagePort;
  /** [POSTED, TAKEN]: messages the worker has posted; batches the loop has taken (both ever). */
  counters: Int32Array;
  /** Batches the worker keeps prepared and not yet taken. */
  ahead: number;
}

/** Indices into WorkerSetup.counters. */
export const POSTED = 0;
export const TAKEN = 1;

/** Prepare batches of `plan` until WorkerSetup.ahead are waiting; `takenBase` is TAKEN as the epoch begins. */
export type ToWorker = { type: 'epoch'; id: number; plan: EpochPlan; takenBase: number };

export type FromWorker =
  | ({ type: 'batch'; id: number } & ReadyBatch)
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; message: string };

/** Batches prepared ahead of the one the loop is training on (64 CIFAR images are 0.8 MB). */
const AHEAD = 8;
/** The loop wakes the worker after taking this many (it then prepares as many again). */
const REFILL = 4;

/** A split whose images the worker can read in place (loaders allocate them shared; see imageValues). */
function sharedImages(images: Float32Array): Float32Array {
  if (images.buffer instanceof SharedArrayBuffer) return images;
  const shared = new Float32Array(new SharedArrayBuffer(images.byteLength));
  shared.set(images);
  return shared;
}

export class BatchPipeline {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counters = new Int32Array(new SharedArrayBuffer(8));
  private readonly failed: Promise<never>;
  private failure: Error | null = null;
  private epochId = 0;
  private takenInEpoch = 0;
  private ended = true;
  private disposed = false;

  /** Starts the worker for one split (a run's training images); `dispose` ends it. */
  constructor(split: Split, imageShape: [number, number, number]) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const setup: WorkerSetup = {
      images: sharedImages(split.images), labels: split.labels, count: split.count, imageShape,
      port: port2, counters: this.counters, ahead: AHEAD,
    };
    const file = findProgram(__dirname, 'batchWorker.js', 'batchWorker.ts', 'the batch worker');
    this.worker = startThread(file, { workerData: setup, transferList: [port2] });
    this.failed = new Promise<never>((_, reject) => {
      const fail = (err: Error) => {
        this.failure ??= err;
        reject(this.failure);
      };
      this.worker.on('error', (err) => fail(new Error(`the thread preparing training batches failed: ${err.message}`)));
      this.worker.on('exit', (code) => {
        if (!this.disposed) fail(new Error(`the thread preparing training batches stopped (exit code ${code})`));
      });
    });
    this.failed.catch(() => { /* reported by next() */ });
  }

  /** Begins preparing an epoch's batches; a previous epoch not read to its end is dropped. */
  startEpoch(plan: EpochPlan): void {
    if (!(Number.isInteger(plan.batchSize) && plan.batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${plan.batchSize}`);
    if (this.failure) throw this.failure;
    this.epochId++;
    this.takenInEpoch = 0;
    this.ended = false;
    const message: ToWorker = { type: 'epoch', id: this.epochId, plan, takenBase: Atomics.load(this.counters, TAKEN) };
    this.port.postMessage(message);
  }

  /** The epoch's next batch, or null after its last. */
  async next(): Promise<ReadyBatch | null> {
    if (this.ended) return null;
    for (;;) {
      if (this.failure) throw this.failure;
      // Read before looking, so a message posted in between still wakes the wait below.
      const seen = Atomics.load(this.counters, POSTED);
      const received = receiveMessageOnPort(this.port);
      if (received) {
        const m = received.message as FromWorker;
        if (m.id !== this.epochId) continue; // a dropped epoch's batch
        if (m.type === 'error') {
          this.ended = true;
          throw new Error(`preparing a training batch failed: ${m.message}`);
        }
        if (m.type === 'end') {
          this.ended = true;
          return null;
        }
        Atomics.add(this.counters, TAKEN, 1);
        if (++this.takenInEpoch % REFILL === 0) Atomics.notify(this.counters, TAKEN);
        return { images: m.images, labels: m.labels, count: m.count };
      }
      // Nothing ready: the worker is behind (its wake-up is due, or it is preparing).
      Atomics.notify(this.counters, TAKEN);
      const wait = Atomics.waitAsync(this.counters, POSTED, seen);
      if (wait.async) await Promise.race([wait.value, this.failed]);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.port.close();
    await this.worker.terminate();
  }
}
