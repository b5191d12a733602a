import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EpochRecord, IterationRecord } from '../../src/runs/types';
import { resolveTraining } from '../../src/engine/training/config';
import { loadModelFile } from '../../src/loader/index';
import { JsonlWriter } from '../../src/runs/files';
import { createRun, updateRun } from '../../src/runs/store';
import { REPO_ROOT } from './paths';

// Run folders written with the run store's own writers (createRun, the metrics log, updateRun),
// the way the trainer writes them, with metrics chosen by the test: confusion matrices first,
// per-class accuracy and test accuracy derived from them, so every number is consistent.

export const ROOT = REPO_ROOT;
export const MLP_VS_CNN = path.join(ROOT, 'examples', 'mlp-vs-cnn.cnn.ts');
export const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface FixtureRun {
  exportName: 'mlp' | 'cnn';
  permutePixels: number | null;
  /** Per epoch: correct predictions per class (out of `perClass` test images each). */
  correct: number[][];
  perClass?: number;
  at: Date;
  iterations?: boolean;
}

/** A 10×10 confusion matrix with `correct[c]` on the diagonal and the misses spread to c+1. */
export function confusion(correct: number[], perClass: number): number[][] {
  return correct.map((ok, t) => {
    const row = new Array<number>(correct.length).fill(0);
    row[t] = ok;
    row[(t + 1) % correct.length]! += perClass - ok;
    return row;
  });
}

export async function writeFixtureRun(runsDir: string, spec: FixtureRun): Promise<string> {
  const text = fs.readFileSync(MLP_VS_CNN, 'utf8');
  const loaded = await loadModelFile(MLP_VS_CNN);
  const model = loaded.models.find((m) => m.exportName === spec.exportName)!.model;
  const overrides = spec.permutePixels === null ? {} : { permutePixels: spec.permutePixels };
  const training = { ...(loaded.training as object), epochs: spec.correct.length, ...overrides };
  const config = resolveTraining({ training, file: MLP_VS_CNN, text }).config;
  const { id, paths } = createRun(runsDir, { modelName: model.name, exportName: spec.exportName, file: MLP_VS_CNN, text, config }, spec.at);
  const perClass = spec.perClass ?? 100;
  const log = new JsonlWriter(paths.metrics);
  let best: EpochRecord | null = null;
  spec.correct.forEach((correct, e) => {
    const epoch = e + 1;
    if (spec.iterations) {
      for (let step = 1; step <= 4; step++) {
        const it: IterationRecord = {
          type: 'iteration', epoch, step, steps: 4, iteration: e * 4 + step, loss: 2 / (e * 4 + step), accuracy: 0.1 * step, lr: 0.01, time: 0,
        };
        log.append(it);
      }
    }
    const total = correct.reduce((s, v) => s + v, 0) / (perClass * correct.length);
    const record: EpochRecord = {
      type: 'epoch', epoch, epochs: spec.correct.length, lr: 0.01,
      train: { loss: 1 / epoch, accuracy: 0.5 + epoch / 100 }, val: null,
      test: { loss: 1 - total, accuracy: total },
      perClassAccuracy: correct.map((v) => v / perClass),
      confusionMatrix: confusion(correct, perClass),
      imagesPerSecond: 500, seconds: 2, frozen: [], best: !best || total > best.test.accuracy, time: 0,
    };
    if (record.best) best = record;
    log.append(record);
  });
  log.close();
  updateRun(paths.dir, (r) => {
    r.status = 'completed';
    r.backend = { name: 'wasm', reason: 'fixture' };
    r.dataset = {
      id: 'mnist', source: 'fixture', classNames: CLASSES, imageShape: [28, 28, 1],
      trainCount: 1000, validationCount: 0, testCount: perClass * 10, normalization: null,
    };
    r.epochsCompleted = spec.correct.length;
    r.monitor = 'test_accuracy';
    r.best = best;
    r.bestEpoch = best ? (best as EpochRecord).epoch : null;
    r.endedAt = new Date(spec.at.getTime() + 10_000).toISOString();
    r.wallSeconds = 10;
    r.trainImagesPerSecond = 500;
  });
  return id;
}

/** The seed 001 experiment's four runs, with made-up accuracies (MLP steady, CNN drops when permuted). */
export async function writeSeedFixtures(runsDir: string): Promise<{ mlp: string; cnn: string; mlpPerm: string; cnnPerm: string }> {
  const row = (base: number, step: number) => CLASSES.map((_, k) => base + ((k * step) % 7));
  const mlp = await writeFixtureRun(runsDir, { exportName: 'mlp', permutePixels: null, correct: [row(80, 3), row(85, 2)], at: new Date(2026, 0, 1, 10, 0, 0) });
  const cnn = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: [row(90, 1), row(93, 1)], at: new Date(2026, 0, 1, 10, 1, 0) });
  const mlpPerm = await writeFixtureRun(runsDir, { exportName: 'mlp', permutePixels: 42, correct: [row(80, 2), row(84, 3)], at: new Date(2026, 0, 1, 10, 2, 0) });
  const cnnPerm = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: 42, correct: [row(60, 5), row(70, 4)], at: new Date(2026, 0, 1, 10, 3, 0) });
  return { mlp, cnn, mlpPerm, cnnPerm };
}
