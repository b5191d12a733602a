import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelIR } from '../../../../src/dsl/ir';
import { loadModelFile } from '../../../../src/loader/index';
import { buildTfModel } from '../../../../src/engine/model/index';
import { checkpointState, loadCheckpoint, saveCheckpoint } from '../../../../src/engine/training/checkpoints';
import { CHECKPOINT_FORMAT, checkpointFormat, readCheckpointMeta } from '../../../../src/runs/checkpointFiles';
import { modelStateDict } from '../../../../src/engine/weights/stateDict';
import { readSafetensors } from '../../../../src/weights/safetensors';

// Checkpoints are safetensors of state_dict keys; folders in the older tfjs format (model.json +
// weights.bin) still load, for evaluate and initFrom alike.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
let ir: ModelIR;
test.before(async () => {
  await tf.setBackend('cpu');
  fs.writeFileSync(path.join(dir, 'm.cnn.ts'), `import { model, conv2d, batchNorm, relu, flatten, dense } from 'cnn-explorer';
export default model('Small', [6, 6, 2], [conv2d(3, 3), batchNorm(), relu(), flatten(), dense(4, { name: 'head' })]);`);
  ir = (await loadModelFile(path.join(dir, 'm.cnn.ts'))).models[0]!.model;
});

const outputs = (m: { predict: (x: tf.Tensor) => tf.Tensor | tf.Tensor[] }, x: tf.Tensor) => (m.predict(x) as tf.Tensor).dataSync();

test('a checkpoint is weights.safetensors (state_dict keys, metadata) and checkpoint.json; it loads as the same model', async () => {
  const model = buildTfModel(ir, { seed: 3 });
  const ck = path.join(dir, 'best');
  await saveCheckpoint(model, ir, ck, { epoch: 2, savedAt: '2026-12-05T00:00:00.000Z', monitor: 'test_accuracy' });
  assert.deepEqual(fs.readdirSync(ck).sort(), ['checkpoint.json', 'weights.safetensors']);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('best')), ['best'], 'no temporary folder left');
  const file = readSafetensors(path.join(ck, 'weights.safetensors'));
  assert.deepEqual(file.metadata, { format: CHECKPOINT_FORMAT, model: 'Small', epoch: '2' });
  assert.deepEqual([...file.tensors.keys()], ['conv2d_1.weight', 'conv2d_1.bias', 'batchNorm_1.weight', 'batchNorm_1.bias',
    'batchNorm_1.running_mean', 'batchNorm_1.running_var', 'head.weight', 'head.bias']);
  assert.deepEqual(file.tensors.get('conv2d_1.weight')!.shape, [3, 2, 3, 3]);
  assert.equal(readCheckpointMeta(ck)!.epoch, 2);
  assert.equal(checkpointFormat(ck), 'safetensors');

  const x = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 1);
  const loaded = await loadCheckpoint(ck, ir);
  assert.deepEqual(outputs(loaded, x), outputs(model, x));
  // Saved again over the old one: the folder is swapped whole.
  await saveCheckpoint(loaded, ir, ck, { epoch: 3, savedAt: '2026-12-05T00:00:01.000Z' });
  assert.equal(readCheckpointMeta(ck)!.epoch, 3);
  loaded.dispose();
  model.dispose();
  x.dispose();
});

test('a checkpoint in the older tfjs format still loads, and reads as a state dict given its model', async () => {
  const model = buildTfModel(ir, { seed: 4 });
  const ck = path.join(dir, 'old');
  // As checkpoints were written before safetensors: the tfjs layers format, by tfjs layer name.
  await model.save(tf.io.withSaveHandler(async (a) => {
    fs.mkdirSync(ck);
    const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(a.weightData!));
    fs.writeFileSync(path.join(ck, 'weights.bin'), weights);
    fs.writeFileSync(path.join(ck, 'model.json'), JSON.stringify({
      modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: null,
      weightsManifest: [{ paths: ['./weights.bin'], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.equal(checkpointFormat(ck), 'tfjs');
  const x = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 2);
  const loaded = await loadCheckpoint(ck, ir);
  assert.deepEqual(outputs(loaded, x), outputs(model, x));
  const state = await checkpointState(ck, () => ir);
  assert.deepEqual(state, await modelStateDict(model, ir));
  loaded.dispose();
  model.dispose();
  x.dispose();
});

test('a damaged or missing checkpoint is one error naming the file', async () => {
  const model = buildTfModel(ir, { seed: 5 });
  const ck = path.join(dir, 'cut');
  await saveCheckpoint(model, ir, ck, { epoch: 1, savedAt: '2026-12-05T00:00:00.000Z' });
  const file = path.join(ck, 'weights.safetensors');
  fs.truncateSync(file, fs.statSync(file).size - 4);
  await assert.rejects(loadCheckpoint(ck, ir), (err: Error) => err.message.startsWith(`${file}: not a valid safetensors file: tensor 'head.bias'`));
  await assert.rejects(loadCheckpoint(path.join(dir, 'none'), ir), /no checkpoint in .*none \(weights\.safetensors is missing\)/);
  // Another model's checkpoint: the first tensor that differs, named on both sides.
  const other = buildTfModel(ir, { seed: 5 });
  const ck2 = path.join(dir, 'other');
  await saveCheckpoint(other, ir, ck2, { epoch: 1, savedAt: '2026-12-05T00:00:00.000Z' });
  const wide = { ...ir, nodes: ir.nodes.map((n) => (n.op.type === 'dense' ? { ...n, op: { ...n.op, units: 5 } } : n)) } as ModelIR;
  await assert.rejects(loadCheckpoint(ck2, wide), { message: `${path.join(ck2, 'weights.safetensors')}: model head.weight [5,48] ≠ file head.weight [4,48]` });
  model.dispose();
  other.dispose();
});
