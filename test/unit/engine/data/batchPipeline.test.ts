// The training input pipeline (a worker thread preparing batches ahead of the step): the batches
// it hands over are those the main thread would make itself, epoch after epoch, and a failure
// on its thread is one clear error, after which it keeps working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchPipeline, type EpochPlan, type ReadyBatch } from '../../../../src/engine/data/batchPipeline';
import { augmentBatch, batches, loadDataset, Rng, type Split } from '../../../../src/engine/data/index';

const SHAPE: [number, number, number] = [12, 10, 3];

function randomSplit(count: number, seed: number, shared: boolean): Split {
  const rng = new Rng(seed);
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const images = shared ? new Float32Array(new SharedArrayBuffer(count * size * 4)) : new Float32Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = rng.next();
  return { images, labels: Int32Array.from({ length: count }, () => rng.int(10)), count };
}

/** What the loop made on its own thread before the pipeline: `batches`, then `augmentBatch`. */
function expected(split: Split, plan: EpochPlan): ReadyBatch[] {
  const rng = plan.augment ? new Rng(plan.augment.seed) : null;
  return [...batches(split, plan.batchSize, { shuffle: true, seed: plan.seed, epoch: plan.epoch })].map((b) => ({
    images: plan.augment ? augmentBatch(b.images, b.count, SHAPE, plan.augment.spec, rng!) : b.images,
    labels: b.labels,
    count: b.count,
  }));
}

async function readEpoch(pipeline: BatchPipeline): Promise<ReadyBatch[]> {
  const out: ReadyBatch[] = [];
  for (let b = await pipeline.next(); b; b = await pipeline.next()) out.push(b);
  return out;
}

/** A pipeline that stops handing over batches would hang the test: fail it instead. */
const LIMIT = { timeout: 60_000 };

const AUGMENT = { randomCrop: { padding: 2 }, horizontalFlip: true, rotation: 15, colorJitter: { brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.1 } };

test('the pipeline hands over the batches the loop would make itself: same shuffle, same augmentation, every epoch', LIMIT, async () => {
  const split = randomSplit(203, 1, true);
  const pipeline = new BatchPipeline(split, SHAPE);
  try {
    for (let epoch = 0; epoch < 3; epoch++) {
      const plan: EpochPlan = { batchSize: 16, seed: 7, epoch, augment: epoch === 1 ? undefined : { spec: AUGMENT, seed: 100 + epoch } };
      pipeline.startEpoch(plan);
      const got = await readEpoch(pipeline);
      const want = expected(split, plan);
      assert.equal(got.length, 13); // 12 of 16 and one of 11
      assert.equal(got.at(-1)!.count, 11);
      assert.deepEqual(got, want, `epoch ${epoch}`);
      assert.equal(await pipeline.next(), null, 'an ended epoch stays ended');
    }
    // The epochs differ (a test that compared nothing would pass with any order).
    pipeline.startEpoch({ batchSize: 16, seed: 7, epoch: 5 });
    const other = (await pipeline.next())!;
    assert.notDeepEqual(other.labels, expected(split, { batchSize: 16, seed: 7, epoch: 0 })[0]!.labels);
  } finally {
    await pipeline.dispose();
  }
});

test('an epoch left before its end (a stop) is dropped: the next epoch starts from its own first batch', LIMIT, async () => {
  const split = randomSplit(300, 2, false); // not in shared memory: the pipeline shares a copy
  const pipeline = new BatchPipeline(split, SHAPE);
  try {
    const first: EpochPlan = { batchSize: 8, seed: 3, epoch: 0, augment: { spec: { horizontalFlip: true }, seed: 4 } };
    pipeline.startEpoch(first);
    await pipeline.next();
    await pipeline.next();
    const second: EpochPlan = { batchSize: 32, seed: 3, epoch: 1 };
    pipeline.startEpoch(second);
    assert.deepEqual(await readEpoch(pipeline), expected(split, second));
  } finally {
    await pipeline.dispose();
  }
});

test('a failure while preparing a batch is one clear error, and the pipeline goes on with the next epoch', LIMIT, async () => {
  const split = randomSplit(40, 5, true);
  const pipeline = new BatchPipeline(split, SHAPE);
  try {
    pipeline.startEpoch({ batchSize: 8, seed: 1, epoch: 0, augment: { spec: { randomCrop: { padding: -1 } }, seed: 1 } });
    await assert.rejects(pipeline.next(), { message: 'preparing a training batch failed: randomCrop.padding must be a non-negative integer, got -1' });
    const plan: EpochPlan = { batchSize: 8, seed: 1, epoch: 1 };
    pipeline.startEpoch(plan);
    assert.deepEqual(await readEpoch(pipeline), expected(split, plan));
  } finally {
    await pipeline.dispose();
  }
});

test("the datasets' images are in shared memory, so the batch thread reads them without copying the set", async () => {
  const ds = await loadDataset('synthetic', { limitTrain: 50, limitTest: 20 });
  assert.ok(ds.train.images.buffer instanceof SharedArrayBuffer);
  assert.ok(ds.test.images.buffer instanceof SharedArrayBuffer);
  const mnist = await loadDataset('mnist', { limitTrain: 100, limitTest: 10 });
  assert.ok(mnist.train.images.buffer instanceof SharedArrayBuffer);
});
