import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { analyzeModel } from '../../../src/analysis/index';
import type { ModelIR } from '../../../src/dsl/ir';
import { buildTfGraph } from '../../../src/engine/model/index';
import { modelStateDict } from '../../../src/engine/weights/stateDict';
import { pytorchModule } from '../../../src/interop/pytorchExport';
import { loadModelFile } from '../../../src/loader/index';
import { writeSafetensors } from '../../../src/weights/safetensors';
import { EXAMPLES_DIR, REPO_ROOT } from '../../support/paths';
import { torchPython } from '../../support/torch';
import { runCli } from '../../support/cli';

// Issue 20's promise that a model means the same in both frameworks, end to end: the same
// weights give the same logits in `cnn-explorer predict` (tfjs) and in PyTorch, within 1e-4 of
// the logits' scale, for every model of every example (exported as PyTorch, weights handed over
// as a safetensors file), and a torchvision model's own state_dict (torch.save) makes `predict`
// give torchvision's logits. The image is a PNG at the model's input size, so that no resizing
// comes between; its input tensor is computed here from the pixels and the training block's
// normalization, independently of predict, and PyTorch gets that tensor.

const run = promisify(execFile);

/** Examples whose architecture is torchvision's exactly (layer for layer, tensor for tensor). */
const TORCHVISION: Record<string, string> = {
  'resnet18.cnn.ts': 'resnet18',
  'alexnet.cnn.ts': 'alexnet',
  'vgg11.cnn.ts': 'vgg11',
  'mobilenetv2.cnn.ts': 'mobilenet_v2',
  'resnet34.cnn.ts': 'resnet34',
  'resnet50.cnn.ts': 'resnet50',
};

interface Example { file: string; name: string; exportName: string; ir: ModelIR; normalize: { mean: number[]; std: number[] } | null }

interface TorchResult {
  label: string;
  missing?: string[];
  unexpected?: string[];
  logits: number[];
  /** max |logits(image) − logits(another image)|: how much the input moves the output. */
  inputEffect: number;
}

interface Prediction { logits: number[] }

const cli = (args: string[], cwd: string) => runCli(args, { cwd });

async function predict(ex: Example, weights: string, image: string, cwd: string): Promise<number[]> {
  const r = await cli(['predict', ex.file, '--model', ex.exportName, '--weights', weights, '--input', image, '--json'], cwd);
  assert.equal(r.code, 0, `${ex.name} (${ex.exportName}): predict failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim()) as Prediction).logits;
}

async function examples(): Promise<Example[]> {
  const out: Example[] = [];
  for (const name of fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.cnn.ts')).sort()) {
    const file = path.join(EXAMPLES_DIR, name);
    const loaded = await loadModelFile(file);
    const training = loaded.training as { normalize?: unknown; permutePixels?: unknown } | undefined;
    // The examples normalize with given statistics or not at all; anything else would need a run's record.
    assert.equal(training?.permutePixels, undefined, `${name}: permutePixels`);
    const normalize = training?.normalize ?? null;
    assert.ok(normalize === null || typeof normalize === 'object', `${name}: normalize ${JSON.stringify(normalize)}`);
    for (const m of loaded.models) {
      out.push({ file, name, exportName: m.exportName, ir: m.model, normalize: normalize as Example['normalize'] });
    }
  }
  return out;
}

/** A deterministic picture, 0–255 per channel, varied in every direction and channel. */
function pixel(y: number, x: number, ch: number, variant: number): number {
  return (x * (37 + variant) + y * 91 + ch * 53 + ((x * y + variant) % 17) * 7 + ((x >> 3) ^ (y >> 2)) * 11) % 256;
}

/**
 * Writes the image predict reads (RGB, grey where the model takes one channel) and returns the
 * model's input for it and for a second picture, NCHW, as the training block prepares pixels:
 * 0–1, then (x − mean) / std per channel.
 */
function image(ex: Example, file: string): { input: Float32Array; other: Float32Array; shape: number[] } {
  const [h, w, c] = ex.ir.inputShape as [number, number, number];
  const png = new PNG({ width: w, height: h });
  const tensors = [new Float32Array(c * h * w), new Float32Array(c * h * w)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const rgb = [0, 1, 2].map((ch) => pixel(y, x, c === 1 ? 0 : ch, 0));
      png.data.set([...rgb, 255], (y * w + x) * 4);
      for (const [variant, t] of tensors.entries()) {
        for (let ch = 0; ch < c; ch++) {
          const v = Math.fround(pixel(y, x, c === 1 ? 0 : ch, variant) / 255);
          const norm = ex.normalize;
          t[(ch * h + y) * w + x] = norm ? Math.fround(Math.fround(v - norm.mean[ch]!) / norm.std[ch]!) : v;
        }
      }
    }
  }
  fs.writeFileSync(file, PNG.sync.write(png));
  return { input: tensors[0]!, other: tensors[1]!, shape: [1, c, h, w] };
}

function writeInputs(file: string, img: ReturnType<typeof image>): void {
  writeSafetensors(file, new Map([['input', { shape: img.shape, data: img.input }], ['other', { shape: img.shape, data: img.other }]]));
}

/**
 * The example's model with seeded random weights, as a state dict file: PyTorch's initialisation
 * with the convolution and dense weights scaled up to He's variance (so that the deep models
 * without BatchNorm do not fade to their last bias), and BatchNorm's parameters and running
 * statistics random (so that a wrong one shows).
 */
async function randomWeights(ex: Example, seed: number, file: string): Promise<void> {
  const analysis = analyzeModel(ex.ir);
  const graph = buildTfGraph(ex.ir, { seed });
  try {
    ex.ir.nodes.forEach((node, i) => {
      if (node.op.type !== 'batchNorm') return;
      const input = analysis.nodes[i]!.inputShapes[0]!;
      const c = input[input.length - 1]!;
      const s = seed * 1009 + i * 4;
      graph.model.getLayer(graph.names.byNode.get(node.id)!).setWeights([
        tf.randomUniform([c], 0.5, 1.5, 'float32', s), tf.randomUniform([c], -0.5, 0.5, 'float32', s + 1),
        tf.randomUniform([c], -0.5, 0.5, 'float32', s + 2), tf.randomUniform([c], 0.5, 2, 'float32', s + 3),
      ]);
    });
    const state = await modelStateDict(graph.model, ex.ir);
    for (const [key, t] of state) {
      if (key.endsWith('.weight') && (t.shape.length === 4 || t.shape.length === 2)) t.data = t.data.map((v) => v * Math.sqrt(6));
    }
    writeSafetensors(file, state);
  } finally {
    graph.model.dispose();
  }
}

/** The Python results, one JSON line each, in the order of the cases. */
async function runPython(python: string, script: string, cases: object[], dir: string): Promise<TorchResult[]> {
  const casesFile = path.join(dir, 'cases.json');
  fs.writeFileSync(casesFile, JSON.stringify(cases));
  const { stdout } = await run(python, ['-c', script, casesFile], {
    maxBuffer: 1 << 26, env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python') },
  });
  const results = stdout.trim().split('\n').map((l) => JSON.parse(l) as TorchResult);
  assert.equal(results.length, cases.length);
  return results;
}

/** What is wrong with predict's logits against PyTorch's (nothing: []). */
function disagreement(t: TestContext, label: string, tfjs: number[], torch: TorchResult): string[] {
  if (tfjs.length !== torch.logits.length) return [`${label}: ${tfjs.length} logits from predict, ${torch.logits.length} from PyTorch`];
  const scale = Math.max(1, ...torch.logits.map(Math.abs));
  const worst = Math.max(...tfjs.map((v, i) => Math.abs(v - torch.logits[i]!)));
  t.diagnostic(`${label}: differ by ${worst.toExponential(2)}, scale ${scale.toPrecision(3)}, another image moves them by ${torch.inputEffect.toExponential(2)}`);
  const problems: string[] = [];
  if (!(worst <= 1e-4 * scale)) problems.push(`${label}: predict's logits differ from PyTorch's by up to ${worst} (scale ${scale})`);
  // The input must reach the output well above the tolerance, or agreeing would say little about the layers.
  if (!(torch.inputEffect > 1e-3 * scale)) problems.push(`${label}: another image moves the logits by only ${torch.inputEffect} (scale ${scale})`);
  if (!(worst <= 1e-2 * torch.inputEffect)) problems.push(`${label}: the frameworks differ by ${worst}, not far below the input's effect ${torch.inputEffect}`);
  return problems;
}

function tempDir(t: TestContext, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const EXPORTED = `
import importlib.util, json, os, sys
import torch
from cnn_explorer_torch.safetensors import load_file
torch.set_num_threads(os.cpu_count())
for case in json.load(open(sys.argv[1])):
    spec = importlib.util.spec_from_file_location("exported", case["module"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build_model()
    missing, unexpected = model.load_state_dict(load_file(case["weights"]), strict=False)
    model.eval()
    inputs = load_file(case["inputs"])
    with torch.no_grad():
        y = model(inputs["input"])
        other = model(inputs["other"])
    print(json.dumps({
        "label": case["label"], "missing": sorted(missing), "unexpected": sorted(unexpected),
        "logits": y.flatten().tolist(), "inputEffect": (y - other).abs().max().item(),
    }), flush=True)
`;

test('predict and the exported PyTorch module give the same logits for the same weights, for every example', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  await tf.setBackend('cpu');
  const dir = tempDir(t, 'cnn-logits-export-');
  const all = await examples();
  assert.ok(all.length >= 13, `every example's models (${all.length})`);
  const cases: { label: string; module: string; weights: string; inputs: string; logits: number[] }[] = [];
  for (const [i, ex] of all.entries()) {
    const label = `${ex.name} (${ex.exportName})`;
    const base = path.join(dir, `model_${i}`);
    const img = image(ex, `${base}.png`);
    writeInputs(`${base}.inputs.safetensors`, img);
    await randomWeights(ex, 11 + i, `${base}.safetensors`);
    fs.writeFileSync(`${base}.py`, pytorchModule({ exportName: ex.exportName, model: ex.ir, analysis: analyzeModel(ex.ir) }, { sourceName: ex.name }));
    const logits = await predict(ex, `${base}.safetensors`, `${base}.png`, dir);
    cases.push({ label, module: `${base}.py`, weights: `${base}.safetensors`, inputs: `${base}.inputs.safetensors`, logits });
  }
  const results = await runPython(torch.python, EXPORTED, cases.map(({ logits: _, ...c }) => c), dir);
  const problems: string[] = [];
  for (const [i, r] of results.entries()) {
    const c = cases[i]!;
    assert.equal(r.label, c.label);
    assert.deepEqual(r.unexpected, [], `${c.label}: keys the module does not have`);
    assert.ok(r.missing!.every((k) => k.endsWith('.num_batches_tracked')), `${c.label}: missing ${r.missing}`);
    problems.push(...disagreement(t, c.label, c.logits, r));
  }
  assert.deepEqual(problems, []);
});

const TORCHVISION_MODELS = `
import json, os, sys
import torch, torchvision
from cnn_explorer_torch.safetensors import load_file
torch.set_num_threads(os.cpu_count())
for case in json.load(open(sys.argv[1])):
    torch.manual_seed(0)
    model = getattr(torchvision.models, case["torchvision"])()
    # Random BatchNorm parameters, and running statistics measured on a batch of noise, so that
    # each of them matters and the signal neither explodes nor saturates (as arbitrary
    # statistics make it do through MobileNetV2's 52 layers).
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for m in norms:
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
            m.reset_running_stats()
            m.momentum = None  # a plain average of the batches seen
        if norms:
            model.train()
            model(torch.randn(4, *load_file(case["inputs"])["input"].shape[1:]))
    model.eval()
    torch.save(model.state_dict(), case["weights"])
    inputs = load_file(case["inputs"])
    with torch.no_grad():
        y = model(inputs["input"])
        other = model(inputs["other"])
    print(json.dumps({
        "label": case["label"], "logits": y.flatten().tolist(), "inputEffect": (y - other).abs().max().item(),
    }), flush=True)
`;

test("a torchvision model's state_dict loads into its example and predict gives torchvision's logits", async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const dir = tempDir(t, 'cnn-logits-torchvision-');
  const all = (await examples()).filter((ex) => TORCHVISION[ex.name] !== undefined);
  assert.equal(all.length, Object.keys(TORCHVISION).length);
  const cases = all.map((ex, i) => {
    const base = path.join(dir, `model_${i}`);
    const img = image(ex, `${base}.png`);
    writeInputs(`${base}.inputs.safetensors`, img);
    return { label: `${ex.name} ← torchvision.models.${TORCHVISION[ex.name]}`, torchvision: TORCHVISION[ex.name], weights: `${base}.pth`, inputs: `${base}.inputs.safetensors`, image: `${base}.png`, ex };
  });
  const results = await runPython(torch.python, TORCHVISION_MODELS, cases.map(({ ex: _, image: __, ...c }) => c), dir);
  const problems: string[] = [];
  for (const [i, r] of results.entries()) {
    const c = cases[i]!;
    assert.equal(r.label, c.label);
    problems.push(...disagreement(t, c.label, await predict(c.ex, c.weights, c.image, dir), r));
  }
  assert.deepEqual(problems, []);
});
