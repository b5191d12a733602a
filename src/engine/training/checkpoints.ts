// Checkpoints in the tfjs format (model.json + weights.bin), written with node:fs. A checkpoint
// folder is written complete under a temporary name and then swapped in, so a reader never sees
// a model.json without its weights (or the weights of another epoch).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../model/index'; // registers the custom layers, so checkpoints load again

const MODEL = 'model.json';
const WEIGHTS = 'weights.bin';
const META = 'checkpoint.json';

/** What we record beside the weights. */
export interface CheckpointMeta {
  epoch: number;
  savedAt: string;
  [key: string]: unknown;
}

function tempSibling(dir: string, tag: string): string {
  return `${dir}.${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A tfjs save handler that writes model.json and weights.bin into `dir` (replacing it whole). */
function fileSaveHandler(dir: string, meta?: CheckpointMeta): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const tmp = tempSibling(dir, 'tmp');
      fs.mkdirSync(tmp, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS}`], weights: artifacts.weightSpecs ?? [] }],
      };
      fs.writeFileSync(path.join(tmp, WEIGHTS), Buffer.from(weights));
      fs.writeFileSync(path.join(tmp, MODEL), JSON.stringify(modelJson));
      if (meta) fs.writeFileSync(path.join(tmp, META), JSON.stringify(meta, null, 2));
      // Swap: the old folder moves aside, the new one takes its name, the old one goes.
      const old = tempSibling(dir, 'old');
      const hadOld = fs.existsSync(dir);
      if (hadOld) fs.renameSync(dir, old);
      fs.renameSync(tmp, dir);
      if (hadOld) fs.rmSync(old, { recursive: true, force: true });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** A tfjs load handler for a folder written by fileSaveHandler. */
function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      return readArtifacts(dir);
    },
  };
}

function readArtifacts(dir: string): tf.io.ModelArtifacts {
  const modelPath = path.join(dir, MODEL);
  if (!fs.existsSync(modelPath)) throw new Error(`no checkpoint in ${dir} (${MODEL} is missing)`);
  const json = JSON.parse(fs.readFileSync(modelPath, 'utf8')) as tf.io.ModelJSON;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

export function readCheckpointMeta(dir: string): CheckpointMeta | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, META), 'utf8')) as CheckpointMeta;
  } catch {
    return null;
  }
}

export async function saveCheckpoint(model: tfl.LayersModel, dir: string, meta: CheckpointMeta): Promise<void> {
  await model.save(fileSaveHandler(dir, meta));
}

export async function loadCheckpoint(dir: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileLoadHandler(dir));
}

/** The checkpoint's weights by name (`conv2d_1/kernel`), as tensors the caller disposes. */
export function checkpointWeights(dir: string): tf.NamedTensorMap {
  const a = readArtifacts(dir);
  return tf.io.decodeWeights(a.weightData!, a.weightSpecs!);
}
