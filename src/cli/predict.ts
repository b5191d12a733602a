// `cnn-explorer predict FILE --weights W --input IMAGE`: one image through the model with
// weights from a run (its best checkpoint), a safetensors file or a PyTorch state_dict. The
// image is prepared as training prepared its dataset: resized to the model's input, converted to
// its channels, scaled to 0–1, pixels permuted and normalized as the training block says (as
// run.json recorded, for a run). A 1000-output model whose dataset names no classes (torchvision's
// ImageNet weights) gets ImageNet's class names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { analyzeModel } from '../analysis/index';
import type { ModelIR } from '../dsl/ir';
import { describeBackend, selectBackend } from '../engine/backends/index';
import { CIFAR_CLASSES, FASHION_CLASSES, MNIST_CLASSES, pixelPermutation } from '../engine/data/index';
import { decodeImage, rgbaToFloats } from '../engine/data/decode';
import { IMAGENET_CLASSES } from '../engine/data/imagenetClasses';
import { resizeImage } from '../engine/data/resize';
import { loadCheckpoint, modelFromWeightsFile } from '../engine/training/checkpoints';
import { checkpointFormat } from '../runs/checkpointFiles';
import { resolveTraining } from '../engine/training/config';
import { outputKind } from '../engine/training/loss';
import { loadModelFile, selectModel } from '../loader/index';
import { defaultRunsDir, findRun, runPaths } from '../runs/store';
import type { RunRecord } from '../runs/types';
import { displayWidth, padToWidth } from '../shared/l10n/textWidth';
import { tr } from '../shared/l10n/translate';
import { oneFileProblem, parseCommandArgs, UsageError, usageLine } from './args';

const USAGE = 'predict FILE [--model EXPORT] --weights RUN|FILE --input IMAGE [--runs-dir DIR] [--json]';

const KNOWN: Record<string, { classes: string[]; shape: [number, number, number]; mean: number[]; std: number[] }> = {
  // The datasets' usual statistics, for normalize: 'dataset' when no run recorded the values used.
  mnist: { classes: MNIST_CLASSES, shape: [28, 28, 1], mean: [0.1307], std: [0.3081] },
  'fashion-mnist': { classes: FASHION_CLASSES, shape: [28, 28, 1], mean: [0.2860], std: [0.3530] },
  cifar10: { classes: CIFAR_CLASSES, shape: [32, 32, 3], mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616] },
};

export interface Prediction {
  logits: number[];
  top: { class: number; label: string; probability: number }[];
}

/** How an image becomes the model's input, and what its outputs are called. */
interface Preparation {
  labels: string[] | null;
  /** [h, w, c] of the image fed (the dataset's, for a model with a flat input). */
  imageShape: [number, number, number];
  normalization: { mean: number[]; std: number[] } | null;
  permutePixels: number | null;
}

export async function predictCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    weights: { type: 'string' },
    input: { type: 'string' },
    'runs-dir': { type: 'string' },
    json: { type: 'boolean' },
  }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`${oneFileProblem(positionals.length)}\n${usageLine(USAGE)}`);
  if (!v.weights) throw new UsageError(`missing --weights (a run id, a .safetensors file or a PyTorch state_dict)\n${usageLine(USAGE)}`);
  if (!v.input) throw new UsageError(`missing --input IMAGE (a PNG or JPEG file)\n${usageLine(USAGE)}`);
  const file = path.resolve(positionals[0]!);
  const loaded = await loadModelFile(file);
  const ir = selectModel(loaded, v.model).model;
  const runsDir = path.resolve(v['runs-dir'] ?? defaultRunsDir());
  const run = findWeightsRun(v.weights, runsDir);

  const prep = preparation(ir, run?.record ?? null, loaded.training, file);
  const image = prepareImage(v.input, prep);
  await useCpuBackend();
  const model = run ? await loadRunWeights(run, ir) : modelFromWeightsFile(path.resolve(v.weights), ir);
  const logits = tf.tidy(() => {
    const x = tf.reshape(tf.tensor(image, [1, ...prep.imageShape]), [1, ...ir.inputShape]);
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
  model.dispose();
  const result = predictionOf([...logits], outputKind(ir), prep.labels);
  if (v.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const header = tr('class');
  const width = Math.max(displayWidth(header), ...result.top.map((t) => t.label.length));
  process.stdout.write(`${padToWidth(header, width)}  ${tr('probability')}\n`);
  for (const t of result.top) process.stdout.write(`${t.label.padEnd(width)}  ${(t.probability * 100).toFixed(2).padStart(6)}%\n`);
}

function findWeightsRun(weights: string, runsDir: string): { id: string; dir: string; record: RunRecord | null } | null {
  const isFile = fs.existsSync(weights) && fs.statSync(weights).isFile();
  if (isFile) return null;
  const found = /[/\\]/.test(weights) ? null : findRun(runsDir, weights);
  if (!found) throw new Error(`--weights ${weights}: no run '${weights}' in ${runsDir} and no such file`);
  return { id: found.id, dir: found.dir, record: found.record };
}

async function loadRunWeights(run: { id: string; dir: string }, ir: ModelIR): Promise<tfl.LayersModel> {
  const best = runPaths(run.dir).best;
  if (checkpointFormat(best) === null) throw new Error(`run ${run.id} has no best checkpoint (it ended before its first epoch)`);
  return loadCheckpoint(best, ir);
}

async function useCpuBackend(): Promise<void> {
  // One image: the CPU backends start at once; wasm's XNNPACK is the faster of the two.
  let choice;
  try {
    choice = await selectBackend('wasm');
  } catch {
    choice = await selectBackend('cpu');
  }
  process.stderr.write(`${describeBackend(choice)}\n`);
}

function preparation(ir: ModelIR, record: RunRecord | null, training: unknown, file: string): Preparation {
  const imageInput = ir.inputShape.length === 3 ? (ir.inputShape as [number, number, number]) : null;
  if (record?.dataset) {
    const ds = record.dataset;
    return {
      labels: ds.classNames, imageShape: imageInput ?? ds.imageShape,
      normalization: ds.normalization, permutePixels: record.config.permutePixels,
    };
  }
  const named = typeof (training as { dataset?: unknown } | undefined)?.dataset === 'string'
    ? KNOWN[(training as { dataset: string }).dataset] ?? null : null;
  let normalization: Preparation['normalization'] = null;
  let permute: number | null = null;
  if (training !== undefined) {
    const { config } = resolveTraining({ training, file, text: fs.readFileSync(file, 'utf8'), overrides: [] });
    permute = config.permutePixels;
    if (config.normalize === 'dataset') {
      if (!named) throw new Error("normalize: 'dataset' without a run: the statistics of this dataset are not known here; pass the run id as --weights, or give normalize { mean, std }");
      normalization = { mean: named.mean, std: named.std };
    } else if (config.normalize) normalization = config.normalize;
  }
  const imageShape = imageInput ?? named?.shape;
  if (!imageShape) throw new Error(`the model's input is flat [${ir.inputShape.join(', ')}]: predict needs an image-shaped input, or a training block naming its dataset`);
  return { labels: named?.classes ?? imagenetLabels(ir), imageShape, normalization, permutePixels: permute };
}

/** ImageNet's class names for a model with 1,000 outputs (torchvision's weights); null otherwise. */
function imagenetLabels(ir: ModelIR): string[] | null {
  const out = analyzeModel(ir).totals.outputShape;
  return out?.length === 1 && out[0] === IMAGENET_CLASSES.length ? [...IMAGENET_CLASSES] : null;
}

/** The image as the model's input values (h × w × c, NHWC), prepared as training prepared its data. */
function prepareImage(file: string, prep: Preparation): Float32Array {
  const [h, w, c] = prep.imageShape;
  if (c !== 1 && c !== 3) throw new Error(`the model's input has ${c} channels: predict reads grey (1) or RGB (3) images`);
  const img = decodeImage(file);
  let x = resizeImage(rgbaToFloats(img, c), img.height, img.width, c, h, w);
  if (prep.permutePixels !== null) {
    const order = pixelPermutation(prep.imageShape, prep.permutePixels);
    const moved = new Float32Array(x.length);
    for (let p = 0; p < order.length; p++) for (let k = 0; k < c; k++) moved[p * c + k] = x[order[p]! * c + k]!;
    x = moved;
  }
  const norm = prep.normalization;
  if (norm) for (let i = 0; i < x.length; i++) x[i] = (x[i]! - norm.mean[i % c]!) / norm.std[i % c]!;
  return x;
}

function predictionOf(logits: number[], kind: ReturnType<typeof outputKind>, labels: string[] | null): Prediction {
  let probabilities = logits;
  if (kind !== 'probabilities') {
    // softmax; of log-probabilities it is exp, up to rounding.
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    probabilities = exps.map((e) => e / sum);
  }
  const top = probabilities.map((p, i) => ({ class: i, label: labels?.[i] ?? String(i), probability: p }))
    .sort((a, b) => b.probability - a.probability).slice(0, 5);
  return { logits, top };
}
