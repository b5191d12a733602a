// Loss, accuracy, per-class accuracy and the confusion matrix of a model over a whole split.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batches, type Split } from '../data/index';
import { batchTensor, type PreparedData } from './data';
import { crossEntropy, type OutputKind } from './loss';

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
  perClassAccuracy: number[];
  confusionMatrix: number[][];
}

export interface EvaluateOptions {
  batchSize: number;
  inputShape: number[];
  kind: OutputKind;
  /** Checked between batches: evaluation gives up (returns null) once it says stop. */
  shouldStop?: () => boolean;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function evaluateSplit(model: tfl.LayersModel, split: Split, data: PreparedData, opts: EvaluateOptions): Promise<Evaluation | null> {
  const classes = data.classNames.length;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let lossSum = 0;
  for (const batch of batches(split, opts.batchSize, { shuffle: false })) {
    const [lossValue, predicted] = tf.tidy(() => {
      const x = batchTensor(batch.images, batch.count, data, opts.inputShape);
      const out = model.apply(x, { training: false }) as tf.Tensor;
      const labels = tf.tensor1d(batch.labels, 'int32');
      return [crossEntropy(out, labels, classes, opts.kind), tf.argMax(out, -1)];
    });
    lossSum += (await lossValue.data())[0]! * batch.count;
    const pred = await predicted.data();
    tf.dispose([lossValue, predicted]);
    for (let i = 0; i < batch.count; i++) confusion[batch.labels[i]!]![pred[i]!]!++;
    await yieldToEvents();
    if (opts.shouldStop?.()) return null;
  }
  const correct = confusion.reduce((n, row, i) => n + row[i]!, 0);
  return {
    loss: split.count ? lossSum / split.count : NaN,
    accuracy: split.count ? correct / split.count : NaN,
    count: split.count,
    perClassAccuracy: confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total ? row[i]! / total : NaN;
    }),
    confusionMatrix: confusion,
  };
}
