// The training loop: our own, not model.fit, so that stopping, per-iteration metrics, learning
// rate schedules and freezing are under our control. Between batches it yields to the event
// loop (at most every YIELD_INTERVAL_MS), so a stop request is seen within a batch or two.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelIR } from '../../dsl/ir';
import { BatchPipeline } from '../data/batchPipeline';
import { batchCount, deriveSeed, isAugmenting } from '../data/index';
import type { LayerNames } from '../model/index';
import type { EpochRecord, IterationRecord, ResolvedTraining } from '../../runs/types';
import { learningRate } from '../../shared/format';
import type { TrainerPhase } from '../../shared/trainerProtocol';
import { saveCheckpoint } from './checkpoints';
import { ConfigError } from './config';
import { batchTensor, type PreparedData } from './data';
import { evaluateSplit, type Evaluation } from './evaluate';
import { frozenLayerNames, setFrozen } from './freeze';
import { crossEntropy, outputKind } from './loss';
import { Stopwatch, type LoopProbe } from './loopProbe';
import { TrainOptimizer } from './optimizers';
import { LrSchedule } from './schedule';

export interface LoopHooks {
  onIteration?(record: IterationRecord): void;
  onEpoch?(record: EpochRecord): void;
  onStatus?(phase: TrainerPhase, message: string): void;
  /** Polled between batches; true finishes the current batch, saves checkpoints/last and returns. */
  shouldStop(): boolean;
}

export interface LoopInput {
  model: tfl.LayersModel;
  ir: ModelIR;
  names: LayerNames;
  config: ResolvedTraining;
  data: PreparedData;
  /** `checkpoints/` of the run: best/ and last/ go inside. */
  checkpointsDir: string;
  hooks: LoopHooks;
  /** Told where the loop's time goes (the bench's); absent in a user's run. */
  probe?: LoopProbe;
}

export interface LoopResult {
  status: 'completed' | 'stopped';
  epochsCompleted: number;
  best: EpochRecord | null;
  last: EpochRecord | null;
  /** Why training ended before its last epoch, if it did ('early stopping' or 'stop requested'). */
  endedEarly: string | null;
  /** The metric that chose the best epoch, e.g. 'val_accuracy' or 'test_accuracy'. */
  monitor: string;
  trainImagesPerSecond: number | null;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A turn of the event loop (where a stop request arrives) costs a few percent of a small model's
 * step on wasm (bench/README.md), so the loop takes one at most this often rather than after
 * every batch.
 */
const YIELD_INTERVAL_MS = 20;

/** How many of the first `count` predictions are their label. */
function countCorrect(predicted: ArrayLike<number>, labels: Int32Array, count: number): number {
  let correct = 0;
  for (let i = 0; i < count; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}

/** The metric that picks the best epoch and drives early stopping and plateau schedules. */
function monitorOf(config: ResolvedTraining, hasValidation: boolean): { name: string; value: (r: EpochRecord) => number; higherIsBetter: boolean } {
  // Without a validation split the test set stands in, as in the seed notes ("keep the best epoch").
  const split = hasValidation ? 'val' : 'test';
  const metric = config.earlyStopping?.monitor === 'val_loss' ? 'loss' : 'accuracy';
  const pick = (r: EpochRecord) => {
    const m = hasValidation ? r.val! : r.test;
    return metric === 'loss' ? m.loss : m.accuracy;
  };
  return { name: `${split}_${metric}`, value: pick, higherIsBetter: metric === 'accuracy' };
}

export async function trainLoop(input: LoopInput): Promise<LoopResult> {
  const { model, ir, config, data, hooks } = input;
  const inputShape = ir.inputShape;
  const kind = outputKind(ir);
  const classes = data.classNames.length;
  let optimizer = new TrainOptimizer(config.optimizer);
  let trainedSet = '';
  const schedule = new LrSchedule(config.schedule, config.epochs);
  const monitor = monitorOf(config, data.validation !== null);
  const steps = batchCount(data.train.count, config.batchSize);
  const frozenNames = config.freeze ? frozenLayerNames(ir, input.names, model, config.freeze) : [];
  const evalOpts = { batchSize: config.batchSize, inputShape, kind, shouldStop: () => hooks.shouldStop() };

  let best: EpochRecord | null = null;
  let bestValue = NaN;
  let sinceBest = 0;
  let last: EpochRecord | null = null;
  let iteration = 0;
  let trainSeconds = 0;
  let trainImages = 0;
  let endedEarly: string | null = null;
  let epochsCompleted = 0;
  // The epoch's batches are gathered and augmented on another thread, a few steps ahead.
  const pipeline = new BatchPipeline(data.train, data.imageShape);
  const watch = new Stopwatch(input.probe);

  try {
    for (let e = 0; e < config.epochs && !endedEarly; e++) {
      const frozen = config.freeze && e < config.freeze.epochs ? frozenNames : [];
      setFrozen(model, frozen);
      const base = config.freeze && e >= config.freeze.epochs && config.freeze.lrAfter !== null ? config.freeze.lrAfter : config.optimizer.lr;
      const lr = schedule.lrAt(e, base);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      // tfjs optimizers keep their state by the position of each gradient in the list, so a
      // different set of trainable weights (freeze ending) needs a fresh optimizer.
      const set = vars.map((v) => v.name).join('\n');
      if (trainedSet && set !== trainedSet) {
        optimizer.dispose();
        optimizer = new TrainOptimizer(config.optimizer);
      }
      trainedSet = set;
      optimizer.setLearningRate(lr);
      hooks.onStatus?.('training', `epoch ${e + 1}/${config.epochs}${frozen.length ? ` (${frozen.length} layers frozen)` : ''}, lr ${learningRate(lr)}`);

      let lossSum = 0, correctSum = 0, seen = 0, step = 0;
      const epochStart = performance.now();
      const epoch = e + 1;
      watch.start();
      pipeline.startEpoch({
        batchSize: config.batchSize, seed: deriveSeed(config.seed, 'shuffle'), epoch: e,
        augment: config.augment && isAugmenting(config.augment) ? { spec: config.augment, seed: deriveSeed(config.seed, 'augment', e) } : undefined,
      });
      // One tensor of lookahead: the next batch, which the pipeline has gathered and augmented
      // already, is uploaded and normalized after this step is queued and before its loss is
      // awaited, so on backends that compute asynchronously (webgpu, tensorflow) while the step runs.
      const prepare = async () => {
        const batch = await pipeline.next();
        watch.lap('batch', epoch);
        if (!batch) return null;
        const tensors = { batch, x: batchTensor(batch.images, batch.count, data, inputShape), y: tf.tensor1d(batch.labels, 'int32') };
        watch.lap('upload', epoch);
        return tensors;
      };
      let next = await prepare();
      let lastYield = performance.now();
      // The prepared batch not yet trained on (after a stop or a failure) is disposed here.
      try {
        while (next) {
          const { batch, x, y } = next;
          let out: tf.Tensor | null = null;
          const { value, grads } = tf.variableGrads(() => {
            out = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
            return crossEntropy(out, y, classes, kind);
          }, vars);
          // Predicted classes outside the gradient's scope, where their kernel is not taped: one
          // kernel, and the labels compared in JS, rather than four kernels and a second scalar.
          const predicted = tf.argMax(out!, -1);
          optimizer.step(vars, grads);
          tf.dispose([x, y, out!, ...Object.values(grads)]);
          // Both reads begin as the step is queued and are awaited once the next batch is ready,
          // so a backend that computes asynchronously (webgpu) has them ready sooner.
          const values = Promise.all([value.data(), predicted.data()]);
          watch.lap('step', epoch);
          next = await prepare();
          const [lossData, predictedData] = await values;
          tf.dispose([value, predicted]);
          const lossValue = lossData[0]!;
          const correctValue = countCorrect(predictedData, batch.labels, batch.count);
          watch.lap('read', epoch);
          if (!Number.isFinite(lossValue)) {
            // A diverging loss is the training block's to fix (config-invalid), not a fault of ours.
            throw new ConfigError(`the loss became ${lossValue} at epoch ${e + 1}, step ${step + 1}: lower the learning rate (optimizer.lr is ${lr})`, null);
          }
          step++;
          iteration++;
          seen += batch.count;
          lossSum += lossValue * batch.count;
          correctSum += correctValue;
          hooks.onIteration?.({
            type: 'iteration', epoch: e + 1, step, steps, iteration, loss: lossValue, accuracy: correctValue / batch.count, lr, time: Date.now(),
          });
          watch.lap('record', epoch);
          if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
            await yieldToEvents();
            lastYield = performance.now();
          }
          const stop = hooks.shouldStop();
          watch.lap('yield', epoch);
          if (stop) { endedEarly = 'stop requested'; break; }
        }
      } finally {
        if (next) tf.dispose([next.x, next.y]);
      }
      const seconds = (performance.now() - epochStart) / 1000;
      trainSeconds += seconds;
      trainImages += seen;
      if (endedEarly) break;

      hooks.onStatus?.('evaluating', `evaluating epoch ${e + 1}`);
      watch.start();
      const val = data.validation ? await evaluateSplit(model, data.validation, data, evalOpts) : null;
      const test: Evaluation | null = (data.validation && !val) ? null : await evaluateSplit(model, data.test, data, evalOpts);
      if (!test) { endedEarly = 'stop requested'; break; }
      watch.lap('evaluate', epoch);
      const record: EpochRecord = {
        type: 'epoch', epoch: e + 1, epochs: config.epochs, lr,
        train: { loss: lossSum / seen, accuracy: correctSum / seen },
        val: val ? { loss: val.loss, accuracy: val.accuracy } : null,
        test: { loss: test.loss, accuracy: test.accuracy },
        perClassAccuracy: test.perClassAccuracy, confusionMatrix: test.confusionMatrix,
        imagesPerSecond: seen / seconds, seconds, frozen, best: false, time: Date.now(),
      };
      const value = monitor.value(record);
      const improved = best === null || (monitor.higherIsBetter ? value > bestValue : value < bestValue);
      if (improved) {
        record.best = true;
        best = record;
        bestValue = value;
        sinceBest = 0;
        await saveCheckpoint(model, input.ir, path.join(input.checkpointsDir, 'best'), { epoch: e + 1, savedAt: new Date().toISOString(), monitor: monitor.name, record });
      } else {
        sinceBest++;
      }
      await saveCheckpoint(model, input.ir, path.join(input.checkpointsDir, 'last'), { epoch: e + 1, savedAt: new Date().toISOString(), record });
      last = record;
      epochsCompleted = e + 1;
      watch.lap('checkpoint', epoch);
      hooks.onEpoch?.(record);
      watch.lap('epochRecord', epoch);
      // Plateau reads the validation (or test) loss, as ReduceLROnPlateau on the loss.
      if (schedule.observe((record.val ?? record.test).loss)) hooks.onStatus?.('training', 'loss on a plateau: learning rate reduced');
      if (config.earlyStopping && sinceBest > config.earlyStopping.patience) {
        endedEarly = `early stopping: no better ${monitor.name} for ${sinceBest} epochs`;
        hooks.onStatus?.('training', endedEarly);
      }
    }
    if (endedEarly === 'stop requested') {
      hooks.onStatus?.('stopping', 'stop requested: saving checkpoints/last');
      await saveCheckpoint(model, input.ir, path.join(input.checkpointsDir, 'last'), { epoch: epochsCompleted, savedAt: new Date().toISOString(), partial: true });
    }
  } finally {
    setFrozen(model, []);
    optimizer.dispose();
    await pipeline.dispose();
  }
  return {
    status: endedEarly === 'stop requested' ? 'stopped' : 'completed',
    epochsCompleted, best, last, endedEarly, monitor: monitor.name,
    trainImagesPerSecond: trainSeconds > 0 ? trainImages / trainSeconds : null,
  };
}
