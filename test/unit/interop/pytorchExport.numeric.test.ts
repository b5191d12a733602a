import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { analyzeModel } from '../../../src/analysis/index';
import type { AnalyzedModel } from '../../../src/analysis/types';
import {
  model, conv2d, depthwiseConv2d, relu, relu6, hardswish, leakyRelu, elu, selu, sigmoid, tanh, softmax, logSoftmax,
  residual, parallel, flatten, dense, batchNorm, maxPool2d, avgPool2d, adaptiveAvgPool2d, globalAvgPool, globalMaxPool,
  lrn, zeroPad2d, dropout,
} from '../../../src/dsl/index';
import { buildTfGraph } from '../../../src/engine/model/index';
import { modelStateDict } from '../../../src/engine/weights/stateDict';
import { pytorchModule } from '../../../src/interop/pytorchExport';
import { loadModelFile } from '../../../src/loader/index';
import { EXAMPLES_DIR } from '../../support/paths';
import { torchPython } from '../../support/torch';

// The exported module computes what the tfjs engine computes: the same weights (random, seeded)
// in both, the same input, the same output to float32 rounding. The models cover every layer
// and rule where the two frameworks differ by default: TensorFlow's 'same' padding (odd totals,
// even kernels), ceil-mode pools (the overhang left out of an average), padded average pools,
// LRN, zero padding, depthwise with a multiplier, groups, dilation, adaptive pooling, every
// activation (as a layer and fused), softmax over channels, BatchNorm's running statistics,
// concat and add. The weights go from tfjs's layouts to PyTorch's as checkpoints take them
// (src/engine/weights/stateDict.ts: HWIO → OIHW, dense [in, out] → [out, in], and a flatten's
// features from NHWC to NCHW order for the dense or batchNorm layer it feeds).

const run = promisify(execFile);

const SEMANTICS = model('Semantics', [12, 11, 3], [
  conv2d(8, 3, { padding: 'same', stride: 2, activation: 'relu6' }), // 12 → 6 pads 0/1; 11 → 6 pads 1/1
  zeroPad2d([1, 2]),
  maxPool2d(3, { stride: 2, padding: 1, ceilMode: true }), // the last windows reach past the padding
  batchNorm({ momentum: 0.8, epsilon: 1e-3 }),
  lrn({ size: 3, alpha: 0.5, beta: 0.6, k: 1.5 }),
  parallel([
    [depthwiseConv2d(3, { padding: 'same', multiplier: 2, activation: 'hardswish' })],
    [conv2d(4, 2, { padding: 'same', groups: 2, activation: 'leakyRelu' })], // even kernel: pads 0/1
    [conv2d(4, 3, { padding: 2, dilation: 2, activation: 'elu' })],
    [avgPool2d(3, { stride: 1, padding: 1 })], // padded zeros count in the mean
    [],
  ]),
  residual([conv2d(40, 1, { activation: 'selu' }), batchNorm()], { shortcut: [conv2d(40, 1, { bias: false })] }),
  relu6(), hardswish(),
  avgPool2d(2, { ceilMode: true }), // 5 → 3: the last row's window is cut by the edge
  adaptiveAvgPool2d([2, 3]), // 3 → 2: overlapping bins
  parallel([[sigmoid()], [tanh()]], { merge: 'add' }),
  flatten(), batchNorm(), // per feature: its statistics follow the flatten's reorder
  dense(20, { activation: 'tanh' }), dropout(0.3), batchNorm(), lrn(), relu(), leakyRelu(0.2), elu(), selu(),
  dense(10), logSoftmax(),
]);

const POOLED = model('Pooled', [9, 9, 2], [
  conv2d(6, 3, { padding: 'same', stride: 2, activation: 'sigmoid' }),
  parallel([[globalAvgPool()], [globalMaxPool()]]),
  dense(5, { activation: 'softmax' }),
]);

/** A model whose output stays spatial: it comes out NCHW. */
const SPATIAL = model('Spatial', [7, 8, 4], [
  conv2d(6, 3, { padding: 'same', activation: 'tanh' }),
  parallel([[relu()], [sigmoid()], [softmax()]], { merge: 'add' }), // softmax over the channels
  logSoftmax(),
]);

interface Tensor { shape: number[]; data: number[] }
interface Case { label: string; file: string; input: Tensor; expected: Tensor; state: Record<string, Tensor> }

/** A seeded tensor of values in [lo, hi). */
function uniform(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.randomUniform(shape, lo, hi, 'float32', seed);
}

function toNchw(t: tf.Tensor): tf.Tensor {
  return t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
}

function plain(t: tf.Tensor): Tensor {
  return { shape: t.shape, data: Array.from(t.dataSync()) };
}

/** The tfjs model's weights (BatchNorm's parameters and statistics made random first) as PyTorch's state_dict. */
async function torchState(m: AnalyzedModel, graph: ReturnType<typeof buildTfGraph>, seed: number): Promise<Record<string, Tensor>> {
  m.model.nodes.forEach((node, i) => {
    if (node.op.type !== 'batchNorm') return;
    const input = m.analysis.nodes[i]!.inputShapes[0]!;
    const c = input[input.length - 1]!;
    const s = seed * 101 + i;
    graph.model.getLayer(graph.names.byNode.get(node.id)!)
      .setWeights([uniform([c], s, 0.5, 1.5), uniform([c], s + 1), uniform([c], s + 2), uniform([c], s + 3, 0.5, 2)]);
  });
  const state: Record<string, Tensor> = {};
  for (const [key, t] of await modelStateDict(graph.model, m.model)) state[key] = { shape: t.shape, data: Array.from(t.data) };
  return state;
}

const CHECK = `
import importlib.util, json, os, sys
import torch
torch.set_num_threads(os.cpu_count())
for case in json.load(open(sys.argv[1])):
    spec = importlib.util.spec_from_file_location("exported", case["file"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build_model()
    state = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]) for k, v in case["state"].items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    model.eval()
    x = torch.tensor(case["input"]["data"], dtype=torch.float32).reshape(case["input"]["shape"])
    expected = torch.tensor(case["expected"]["data"], dtype=torch.float32).reshape(case["expected"]["shape"])
    with torch.no_grad():
        y = model(x)
    print(json.dumps({
        "label": case["label"],
        "missing": sorted(missing), "unexpected": sorted(unexpected),
        "shape": list(y.shape), "expectedShape": list(expected.shape),
        "maxDiff": (y - expected).abs().max().item() if y.shape == expected.shape else None,
        "scale": expected.abs().max().item(),
        "spread": expected.std().item(),
    }), flush=True)
`;

test('the exported module computes what the tfjs engine computes, given the same weights', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  await tf.setBackend('cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-export-numeric-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const models: AnalyzedModel[] = [];
  for (const name of ['lenet.cnn.ts', 'mlp-vs-cnn.cnn.ts']) {
    for (const m of (await loadModelFile(path.join(EXAMPLES_DIR, name))).models) {
      models.push({ exportName: m.exportName, model: m.model, analysis: analyzeModel(m.model) });
    }
  }
  for (const ir of [SEMANTICS, POOLED, SPATIAL]) models.push({ exportName: 'default', model: ir, analysis: analyzeModel(ir) });
  const cases: Case[] = [];
  for (const [i, m] of models.entries()) {
    assert.deepEqual(m.analysis.diagnostics.filter((d) => d.severity === 'error'), [], m.model.name);
    const graph = buildTfGraph(m.model, { seed: 7 + i });
    const state = await torchState(m, graph, i + 1);
    const x = uniform([2, ...m.model.inputShape], 1000 + i, -2, 2);
    const y = graph.model.predict(x) as tf.Tensor;
    const file = path.join(dir, `model_${i}.py`);
    fs.writeFileSync(file, pytorchModule(m, { sourceName: 'test.cnn.ts' }));
    cases.push({ label: `${m.model.name} (${m.exportName})`, file, input: plain(toNchw(x)), expected: plain(toNchw(y)), state });
    graph.model.dispose();
  }
  const casesFile = path.join(dir, 'cases.json');
  fs.writeFileSync(casesFile, JSON.stringify(cases));
  const { stdout } = await run(torch.python, ['-c', CHECK, casesFile], { maxBuffer: 1 << 26 });
  const results = stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(results.length, cases.length);
  for (const r of results) {
    assert.deepEqual(r.unexpected, [], `${r.label}: keys the module does not have`);
    assert.ok(r.missing.every((k: string) => k.endsWith('.num_batches_tracked')), `${r.label}: missing ${r.missing}`);
    assert.deepEqual(r.shape, r.expectedShape, `${r.label}: output shape`);
    // A wrong padding, window or weight layout moves outputs by a good part of their spread.
    assert.ok(r.spread > 1e-3, `${r.label}: the output varies (spread ${r.spread})`);
    assert.ok(r.maxDiff <= 1e-5 * Math.max(1, r.scale), `${r.label}: outputs differ by up to ${r.maxDiff} (scale ${r.scale})`);
  }
});
