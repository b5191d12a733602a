// `initFrom`: start from another run's best weights wherever the layer path and the weight's
// shape agree (e.g. a new head on the same backbone); everything else keeps its initialisation.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkpointWeights } from './checkpoints';

export interface CopyReport {
  copied: string[];
  /** Weights of this model with no match: name and why. */
  skipped: { name: string; reason: string }[];
}

export function copyMatchingWeights(model: tfl.LayersModel, checkpointDir: string): CopyReport {
  const source = checkpointWeights(checkpointDir);
  const report: CopyReport = { copied: [], skipped: [] };
  try {
    for (const w of model.weights) {
      const name = w.originalName;
      const t = source[name];
      if (!t) report.skipped.push({ name, reason: 'not in the checkpoint' });
      else if (!tf.util.arraysEqual(t.shape, w.shape as number[])) {
        report.skipped.push({ name, reason: `shape [${t.shape.join(', ')}] there, [${w.shape.join(', ')}] here` });
      } else {
        w.write(t);
        report.copied.push(name);
      }
    }
  } finally {
    tf.dispose(Object.values(source));
  }
  return report;
}
