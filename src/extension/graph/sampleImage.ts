import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { loadDataset } from '../../engine/data/index';
import type { DatasetSpec } from '../../engine/data/types';
import type { ExtensionToGraph } from '../../shared/messages';

// One test image of the model's dataset, for the graph's receptive-field view: a field drawn on a
// real digit or photo reads better than on an empty grid. Read with the engine's own dataset
// code (no tfjs), once per dataset; null when the dataset is not at hand.

type SampleImage = Extract<ExtensionToGraph, { type: 'sampleImage' }>;
const cache = new Map<string, Promise<SampleImage | null>>();

function toPng(pixels: Float32Array, [h, w, c]: [number, number, number]): string {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < 3; k++) png.data[i * 4 + k] = Math.round(255 * pixels[i * c + (c === 1 ? 0 : k)]!);
    png.data[i * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

export function sampleImageFor(training: unknown, modelFile: string): Promise<SampleImage | null> {
  const spec = (training as { dataset?: unknown } | null | undefined)?.dataset as DatasetSpec | undefined;
  if (!spec) return Promise.resolve(null);
  const dataDir = vscode.workspace.getConfiguration('cnnExplorer').get<string>('dataDir') || undefined;
  const baseDir = path.dirname(modelFile);
  const key = JSON.stringify([spec, dataDir, typeof spec === 'object' ? baseDir : '']);
  let pending = cache.get(key);
  if (!pending) {
    pending = loadDataset(spec, { limitTrain: 1, limitTest: 1, dataDir, baseDir, online: false }).then((d) => {
      const [h, w, c] = d.imageShape;
      const pixels = d.test.images.subarray(0, h * w * c);
      return { type: 'sampleImage' as const, dataUri: toPng(pixels, d.imageShape), width: w, height: h,
        label: vscode.l10n.t('{0} test image 0: {1}', d.id, d.classNames[d.test.labels[0]!] ?? '') };
    }, () => null);
    cache.set(key, pending);
  }
  return pending;
}
