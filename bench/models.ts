// The models the benches train: the examples users train, through the product's own loader and
// builder (bench/train.py defines the same architectures in PyTorch), and one training step.
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModelFile, selectModel } from '../src/loader/index';
import { buildTfModel } from '../src/engine/model/index';
import { crossEntropy, outputKind, type OutputKind } from '../src/engine/training/loss';

export type ModelName = 'lenet5' | 'smallcnn' | 'resnet18';

const EXAMPLES = path.join(__dirname, '..', 'examples');

export const MODELS: Record<ModelName, { file: string; exportName?: string; shape: [number, number, number]; label: string }> = {
  lenet5: { file: 'lenet.cnn.ts', shape: [28, 28, 1], label: 'LeNet-5 (28×28×1)' },
  smallcnn: { file: 'mlp-vs-cnn.cnn.ts', exportName: 'cnn', shape: [28, 28, 1], label: 'small CNN (28×28×1)' },
  resnet18: { file: 'resnet18-cifar.cnn.ts', shape: [32, 32, 3], label: 'ResNet-18 (32×32×3)' },
};

export async function buildModel(name: ModelName): Promise<{ model: tfl.LayersModel; kind: OutputKind }> {
  const { file, exportName } = MODELS[name];
  const loaded = await loadModelFile(path.join(EXAMPLES, file));
  const ir = selectModel(loaded, exportName).model;
  return { model: buildTfModel(ir), kind: outputKind(ir) };
}

// The loss is read asynchronously: webgpu cannot read synchronously in Node (no OffscreenCanvas).
// The loss is the training loop's, read as the model's output is made (the small CNN ends in
// logSoftmax: no second softmax on top), as PyTorch's CrossEntropyLoss on its logits.
// `whileRunning` runs where the loop prepares its next batch: after the step is queued, before
// its loss is read.
export async function trainStep(
  model: tfl.LayersModel, kind: OutputKind, opt: tf.Optimizer, x: tf.Tensor, y: tf.Tensor1D, whileRunning?: () => Promise<void>,
): Promise<number> {
  const loss = opt.minimize(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y, 10, kind), true)!;
  await whileRunning?.();
  const value = (await loss.data())[0]!;
  loss.dispose();
  return value;
}

