// The thread behind BatchPipeline (batchPipeline.ts): prepares an epoch's training batches in
// order until `setup.ahead` are waiting, posts each with its buffers moved, not copied, then sleeps
// until the loop has taken some. Started by BatchPipeline only; it reads the split's images in
// shared memory.
import * as os from 'node:os';
import { workerData } from 'node:worker_threads';
import { augmentBatch, type AugmentSpec } from './augment';
import { batches, type Batch } from './batches';
import { POSTED, TAKEN, type FromWorker, type ToWorker, type WorkerSetup } from './batchPipeline';
import { Rng } from './random';

const setup = workerData as WorkerSetup;
const { counters } = setup;

// Below the training threads' priority: where the backend's threads fill every core, the worker
// then runs in the time they leave; at equal priority it made training slower than making the
// batches on the loop's thread (npm run bench:input, figures in bench/README.md). Linux only:
// there a thread's nice value is its own; elsewhere this call would lower the whole trainer's
// priority.
if (process.platform === 'linux') {
  try {
    os.setPriority(19);
  } catch { /* not allowed here: run at the trainer's priority */ }
}
const split = { images: setup.images, labels: setup.labels, count: setup.count };

interface Epoch {
  id: number;
  batches: Iterator<Batch>;
  augment: { spec: AugmentSpec; rng: Rng } | null;
  takenBase: number;
  posted: number;
}

let epoch: Epoch | null = null;

function post(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  setup.port.postMessage(m, transfer);
  Atomics.add(counters, POSTED, 1);
  Atomics.notify(counters, POSTED);
}

/** Batches of `e` posted and not yet taken by the loop. */
const waiting = (e: Epoch, taken: number) => e.posted - (taken - e.takenBase);

function prepare(e: Epoch): void {
  for (;;) {
    if (epoch !== e) return;
    const taken = Atomics.load(counters, TAKEN);
    if (waiting(e, taken) >= setup.ahead) {
      // Full: sleep until the loop has taken more (it notifies every few batches).
      const wait = Atomics.waitAsync(counters, TAKEN, taken);
      if (wait.async) {
        void wait.value.then(() => prepare(e));
        return;
      }
      continue;
    }
    let r: IteratorResult<Batch>;
    let images: Float32Array;
    try {
      r = e.batches.next();
      if (r.done) {
        epoch = null;
        post({ type: 'end', id: e.id });
        return;
      }
      images = e.augment ? augmentBatch(r.value.images, r.value.count, setup.imageShape, e.augment.spec, e.augment.rng) : r.value.images;
    } catch (err) {
      epoch = null;
      post({ type: 'error', id: e.id, message: (err as Error).message });
      return;
    }
    e.posted++;
    const { labels, count } = r.value;
    post({ type: 'batch', id: e.id, images, labels, count }, [images.buffer as ArrayBuffer, labels.buffer as ArrayBuffer]);
  }
}

setup.port.on('message', (m: ToWorker) => {
  const { plan } = m;
  epoch = {
    id: m.id,
    batches: batches(split, plan.batchSize, { shuffle: true, seed: plan.seed, epoch: plan.epoch })[Symbol.iterator](),
    augment: plan.augment ? { spec: plan.augment.spec, rng: new Rng(plan.augment.seed) } : null,
    takenBase: m.takenBase,
    posted: 0,
  };
  prepare(epoch);
});
