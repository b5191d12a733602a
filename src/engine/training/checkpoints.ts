// Checkpoints: `weights.safetensors` (PyTorch state_dict keys and layouts, so the torch engine
// reads them too) and `checkpoint.json`. A checkpoint folder is written complete under a
// temporary name and then swapped in, so a reader never sees the weights of one epoch with the
// record of another. Folders written before safetensors (model.json + weights.bin, tfjs's
// layers format) are still read, so runs users already have keep working.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelIR } from '../../dsl/ir';
import { writeSafetensors } from '../../weights/safetensors';
import { buildTfModel } from '../model/index'; // also registers the custom layers, so old checkpoints load
import { loadStateDict, modelStateDict } from '../weights/stateDict';
import { readWeightsFile } from '../../weights/files';
import {
  CHECKPOINT_FORMAT, CHECKPOINT_META, CHECKPOINT_WEIGHTS, checkpointFormat, OLD_CHECKPOINT_MODEL, type CheckpointMeta,
} from '../../runs/checkpointFiles';

const WEIGHTS = CHECKPOINT_WEIGHTS;
const META = CHECKPOINT_META;

function tempSibling(dir: string, tag: string): string {
  return `${dir}.${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes the model's weights and `meta` into `dir`, replacing it whole. */
export async function saveCheckpoint(model: tfl.LayersModel, ir: ModelIR, dir: string, meta: CheckpointMeta): Promise<void> {
  const state = await modelStateDict(model, ir);
  const tmp = tempSibling(dir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  try {
    writeSafetensors(path.join(tmp, WEIGHTS), state,
      { format: CHECKPOINT_FORMAT, model: ir.name, epoch: String(meta.epoch) });
    fs.writeFileSync(path.join(tmp, META), JSON.stringify(meta, null, 2));
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  // Swap: the old folder moves aside, the new one takes its name, the old one goes.
  const old = tempSibling(dir, 'old');
  const hadOld = fs.existsSync(dir);
  if (hadOld) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  if (hadOld) fs.rmSync(old, { recursive: true, force: true });
}

/** The model of `ir` with the checkpoint's weights (every tensor must be there, with its shape). */
export async function loadCheckpoint(dir: string, ir: ModelIR): Promise<tfl.LayersModel> {
  const format = checkpointFormat(dir);
  if (format === 'tfjs') return loadOldCheckpoint(dir);
  if (format === null) throw new Error(`no checkpoint in ${dir} (${WEIGHTS} is missing)`);
  return modelFromWeightsFile(path.join(dir, WEIGHTS), ir);
}

/** The model of `ir` with a weights file's tensors (safetensors or torch.save; every tensor, matching shapes). */
export function modelFromWeightsFile(file: string, ir: ModelIR): tfl.LayersModel {
  const state = readWeightsFile(file);
  const model = buildTfModel(ir, { init: 'zeros' });
  try {
    loadStateDict(model, ir, state);
  } catch (err) {
    model.dispose();
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
  return model;
}

/**
 * The checkpoint as a state dict. A checkpoint in the old tfjs format names weights by tfjs
 * layer, so converting it needs the IR of the model that wrote it (the run's spec.json).
 */
export async function checkpointState(dir: string, writtenBy: () => ModelIR): Promise<ReturnType<typeof readWeightsFile>> {
  if (checkpointFormat(dir) !== 'tfjs') return readWeightsFile(path.join(dir, WEIGHTS));
  const model = await loadOldCheckpoint(dir);
  try {
    return await modelStateDict(model, writtenBy());
  } finally {
    model.dispose();
  }
}

function loadOldCheckpoint(dir: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel({ load: async () => readOldArtifacts(dir) });
}

function readOldArtifacts(dir: string): tf.io.ModelArtifacts {
  const json = JSON.parse(fs.readFileSync(path.join(dir, OLD_CHECKPOINT_MODEL), 'utf8')) as tf.io.ModelJSON;
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
