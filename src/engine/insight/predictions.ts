// Every test image's predicted class and probabilities, and the images of one confusion cell.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batches, type Split } from '../data/index';
import { batchTensor, type PreparedData } from '../training/data';
import type { OutputKind } from '../training/loss';

export interface Predictions {
  classes: number;
  predicted: Int32Array;
  /** count × classes probabilities, image after image. */
  probabilities: Float32Array;
}

function toProbabilities(out: tf.Tensor, kind: OutputKind): tf.Tensor {
  if (kind === 'logits') return tf.softmax(out, -1);
  if (kind === 'logProbabilities') return tf.exp(out);
  return out;
}

export async function predictSplit(model: tfl.LayersModel, split: Split, data: PreparedData, opts: { batchSize: number; inputShape: number[]; kind: OutputKind }): Promise<Predictions> {
  const classes = data.classNames.length;
  const predicted = new Int32Array(split.count);
  const probabilities = new Float32Array(split.count * classes);
  let at = 0;
  for (const batch of batches(split, opts.batchSize, { shuffle: false })) {
    const p = tf.tidy(() => toProbabilities(model.apply(batchTensor(batch.images, batch.count, data, opts.inputShape), { training: false }) as tf.Tensor, opts.kind));
    const values = await p.data() as Float32Array;
    p.dispose();
    probabilities.set(values, at * classes);
    for (let i = 0; i < batch.count; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (values[i * classes + c]! > values[i * classes + best]!) best = c;
      predicted[at + i] = best;
    }
    at += batch.count;
  }
  return { classes, predicted, probabilities };
}

/** Positions in the split of the images of true class `actual` predicted as `predicted`, in order. */
export function cellImages(labels: Int32Array, p: Predictions, actual: number, predicted: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === actual && p.predicted[i] === predicted) out.push(i);
  return out;
}
