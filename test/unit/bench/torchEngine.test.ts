import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestOf, engineWindow, torchEngineTable } from '../../../bench/torchEngine';

/** metrics.jsonl as the torch trainer writes it (trainer.py: every message, dated), 3 epochs. */
function metrics(epochs: number, { done = true } = {}): string {
  const lines: object[] = [
    { type: 'hello', time: 1000 },
    { type: 'status', phase: 'data', message: 'loading mnist', time: 5000 },
  ];
  let t = 6000;
  for (let e = 1; e <= epochs; e++) {
    lines.push({ type: 'status', phase: 'training', message: `epoch ${e}/3, lr 0.01`, time: t });
    lines.push({ type: 'iteration', epoch: e, step: 1, time: t + 100 });
    lines.push({ type: 'status', phase: 'evaluating', message: `evaluating epoch ${e}`, time: t + 1500 });
    lines.push({ type: 'epoch', epoch: e, time: t + 1800 });
    t += 2000;
  }
  if (done) lines.push({ type: 'done', time: t });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

test('the window runs from the training status of the first epoch after the warm-up to done', () => {
  // Epochs 2 and 3: 8000 ms → 12000 ms, 500 images each.
  assert.deepEqual(engineWindow(metrics(3), 500, 3, 1), { seconds: 4, images: 1000, imagesPerSecond: 250 });
  assert.deepEqual(engineWindow(metrics(3), 500, 3, 0), { seconds: 6, images: 1500, imagesPerSecond: 250 });
});

test('a plateau or early-stopping line in the training phase does not open the window', () => {
  const text = metrics(3).replace('{"type":"status","phase":"evaluating","message":"evaluating epoch 1","time":7500}',
      '{"type":"status","phase":"training","message":"loss on a plateau: learning rate reduced","time":7500}');
  assert.equal(engineWindow(text, 500, 3, 1).seconds, 4);
});

test('a run that did not train every epoch, or has no done, is refused, saying which', () => {
  assert.throws(() => engineWindow(metrics(2), 500, 3, 1), /trained 2 of 3 epochs/);
  assert.throws(() => engineWindow(metrics(3, { done: false }), 500, 3, 1), /no 'done'/);
  assert.throws(() => engineWindow(metrics(3), 500, 3, 3), /no 'training' status for epoch 4/);
});

test('the best round is the fastest; every round is kept in order', () => {
  const best = bestOf([{ imagesPerSecond: 90.4, seconds: 2, images: 180 }, { imagesPerSecond: 120.6, seconds: 1.5, images: 180 }, { imagesPerSecond: 100, seconds: 1.8, images: 180 }]);
  assert.equal(best.imagesPerSecond, 120.6);
  assert.deepEqual(best.rounds, [90, 121, 100]);
});

test('the table adds the DDP columns only with nprocPerNode', () => {
  const side = (ips: number) => ({ imagesPerSecond: ips, seconds: 1, images: ips, rounds: [ips] });
  const figure = { model: 'lenet5' as const, device: 'cpu', batch: 16, trainImages: 2000, engine: side(400), plain: side(500), ratio: 0.8 };
  const options = { models: ['lenet5' as const], rounds: 1, epochs: 2, warmup: 1, device: 'cpu' as const };
  const plain = torchEngineTable({ note: '', results: [figure], failures: [] }, options);
  assert.doesNotMatch(plain.join('\n'), /DDP/);
  const ddp = torchEngineTable({ note: '', results: [{ ...figure, ddp: { ...side(600), nprocPerNode: 2, ddpRatio: 1.5 } }], failures: [] }, { ...options, nprocPerNode: 2 });
  assert.match(ddp[1]!, /× plain\s+DDP ×2\s+DDP ÷ 1$/);
  assert.match(ddp[2]!, /0\.80×\s+600\s+1\.50×$/);
});
