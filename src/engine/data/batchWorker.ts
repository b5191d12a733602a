// The thread behind BatchPipeline (batchPipeline.ts): prepares an epoch's training batches in
// order, at most `ahead` of the one the loop has taken, and posts each with its buffers moved,
// not copied. Started by BatchPipeline only; it reads the split's images in shared memory.
import { workerData } from 'node:worker_threads';
import { augmentBatch, type AugmentSpec } from './augment';
import { batches, type Batch } from './batches';
import type { FromWorker, ToWorker, WorkerSetup } from './batchPipeline';
import { Rng } from './random';

const setup = workerData as WorkerSetup;
const split = { images: setup.images, labels: setup.labels, count: setup.count };

interface Epoch {
  id: number;
  batches: Iterator<Batch>;
  augment: { spec: AugmentSpec; rng: Rng } | null;
  /** Batches it may still post before the loop takes one. */
  credit: number;
}

let epoch: Epoch | null = null;

function post(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  setup.port.postMessage(m, transfer);
  Atomics.add(setup.posted, 0, 1);
  Atomics.notify(setup.posted, 0);
}

function prepare(e: Epoch): void {
  while (epoch === e && e.credit > 0) {
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
    e.credit--;
    const { labels, count } = r.value;
    post({ type: 'batch', id: e.id, images, labels, count }, [images.buffer as ArrayBuffer, labels.buffer as ArrayBuffer]);
  }
}

setup.port.on('message', (m: ToWorker) => {
  if (m.type === 'epoch') {
    const { plan } = m;
    epoch = {
      id: m.id,
      batches: batches(split, plan.batchSize, { shuffle: true, seed: plan.seed, epoch: plan.epoch })[Symbol.iterator](),
      augment: plan.augment ? { spec: plan.augment.spec, rng: new Rng(plan.augment.seed) } : null,
      credit: m.ahead,
    };
    prepare(epoch);
  } else if (m.type === 'taken' && epoch?.id === m.id) {
    epoch.credit++;
    prepare(epoch);
  }
});
