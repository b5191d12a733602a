// A finished run, loaded once for insight: its best checkpoint on tfjs, its test set prepared as
// training prepared it, every test image's prediction. Then each query is answered from these.
// Checkpoints hold a PyTorch state_dict whichever engine wrote them, so a run trained on torch
// is read here too.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadDataset } from '../data/index';
import { resizeToInput } from '../data/resize';
import type { RunSpec } from '../trainer/spec';
import { loadCheckpoint } from '../training/checkpoints';
import { batchTensor, prepareData, type PreparedData } from '../training/data';
import { outputKind } from '../training/loss';
import type { RunRecord } from '../../runs/types';
import type { InsightAnswer, InsightImage, InsightMap, InsightQuery } from '../../shared/trainerProtocol';
import { effectiveRf } from './effectiveRf';
import { featureMaps } from './featureMaps';
import { insightModel, type InsightModel } from './forward';
import { gradCam } from './gradCam';
import { cellImages, predictSplit, type Predictions } from './predictions';

/** At most this many images for the effective receptive field (one backward pass over them all). */
const MAX_ERF_IMAGES = 64;

export interface InsightSession {
  classNames: string[];
  imageShape: [number, number, number];
  testCount: number;
  answer(query: InsightQuery): InsightAnswer;
  dispose(): void;
}

export async function openInsightSession(spec: RunSpec, record: RunRecord, checkpointDir: string, dataDir: string | undefined): Promise<InsightSession> {
  const { dataset } = resizeToInput(await loadDataset(spec.config.dataset, { ...spec.data, dataDir }), spec.model.ir.inputShape);
  const data = prepareData(dataset, spec.config);
  const normalization = record.dataset?.normalization;
  if (normalization) { data.mean = normalization.mean; data.std = normalization.std; } // exactly what training used
  const model = await loadCheckpoint(checkpointDir, spec.model.ir);
  const predictions = await predictSplit(model, data.test, data, {
    batchSize: spec.config.batchSize, inputShape: spec.model.ir.inputShape, kind: outputKind(spec.model.ir),
  });
  return new Session(insightModel(model, spec.model.ir), model, data, predictions);
}

class Session implements InsightSession {
  readonly classNames: string[];
  readonly imageShape: [number, number, number];
  readonly testCount: number;
  private readonly size: number;

  constructor(private readonly m: InsightModel, private readonly model: tfl.LayersModel, private readonly data: PreparedData, private readonly predictions: Predictions) {
    this.classNames = data.classNames;
    this.imageShape = data.imageShape;
    this.testCount = data.test.count;
    this.size = data.imageShape.reduce((a, b) => a * b, 1);
  }

  answer(q: InsightQuery): InsightAnswer {
    try {
      switch (q.type) {
        case 'cell': {
          this.checkClass(q.actual);
          this.checkClass(q.predicted);
          const all = cellImages(this.data.test.labels, this.predictions, q.actual, q.predicted);
          return { type: 'cell', actual: q.actual, predicted: q.predicted, total: all.length, images: all.slice(0, Math.max(0, q.limit)).map((i) => this.image(i)) };
        }
        case 'gradCam': {
          this.checkImage(q.image);
          this.checkClass(q.classIndex);
          const cam = this.withInput(q.image, 1, false, (x) => gradCam(this.m, x, q.classIndex));
          return { type: 'gradCam', image: this.image(q.image), classIndex: q.classIndex, nodeId: cam.nodeId, map: toMap(cam.height, cam.width, cam.values) };
        }
        case 'featureMaps': {
          this.checkImage(q.image);
          const f = this.withInput(q.image, 1, false, (x) => featureMaps(this.m, x, q.nodeId));
          const plane = f.height * f.width;
          const maps = Array.from({ length: f.channels }, (_, c) => toMap(f.height, f.width, f.values.subarray(c * plane, (c + 1) * plane)));
          return { type: 'featureMaps', image: this.image(q.image), nodeId: q.nodeId, maps };
        }
        case 'effectiveRf': {
          const n = Math.max(1, Math.min(q.images, MAX_ERF_IMAGES, this.testCount));
          const erf = this.withInput(0, n, true, (x) => effectiveRf(this.m, x, q.nodeId));
          return { type: 'effectiveRf', nodeId: q.nodeId, centre: erf.centre, images: erf.images, map: toMap(erf.height, erf.width, erf.values) };
        }
        default: {
          const unknown: never = q;
          return { type: 'error', message: `unknown insight query ${JSON.stringify(unknown)}` };
        }
      }
    } catch (err) {
      return { type: 'error', message: err instanceof Error ? err.message : String(err) };
    }
  }

  dispose(): void {
    this.model.dispose();
  }

  /**
   * `f` of test images [from, from + count) as the model's normalized input: a batch, or
   * (`asBatch` false, one image) that image alone.
   */
  private withInput<T>(from: number, count: number, asBatch: boolean, f: (x: tf.Tensor) => T): T {
    const pixels = this.data.test.images.subarray(from * this.size, (from + count) * this.size);
    const x = tf.tidy(() => {
      const batch = batchTensor(pixels, count, this.data, this.m.ir.inputShape);
      return asBatch ? batch : tf.squeeze(batch, [0]);
    });
    try {
      return f(x);
    } finally {
      x.dispose();
    }
  }

  private image(index: number): InsightImage {
    const classes = this.predictions.classes;
    const pixels = this.data.test.images.subarray(index * this.size, (index + 1) * this.size);
    return {
      index, label: this.data.test.labels[index]!, predicted: this.predictions.predicted[index]!,
      probabilities: Array.from(this.predictions.probabilities.subarray(index * classes, (index + 1) * classes), round),
      pixels: Array.from(pixels, (v) => Math.max(0, Math.min(255, Math.round(v * 255)))),
    };
  }

  private checkImage(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.testCount) throw new Error(`test image ${index} does not exist: the test set has ${this.testCount} images`);
  }

  private checkClass(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.classNames.length) throw new Error(`class ${index} does not exist: the run has ${this.classNames.length} classes`);
  }
}

/** Four decimals: enough for a colour, and a third of the JSON. */
function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

function toMap(height: number, width: number, values: Float32Array): InsightMap {
  return { height, width, values: Array.from(values, round) };
}
