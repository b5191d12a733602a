import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { analyzeModel } from '../../../src/analysis/index';
import { model, block, parallel, conv2d, dense, flatten, lrn, batchNorm, relu } from '../../../src/dsl/index';
import type { ModelIR } from '../../../src/dsl/ir';
import { stateTensors } from '../../../src/interop/parameters';
import { pytorchModule } from '../../../src/interop/pytorchExport';
import { loadModelFile } from '../../../src/loader/index';
import { EXAMPLES_DIR } from '../../support/paths';
import { torchPython } from '../../support/torch';

// Every exported model of every example (and a few odd ones), exported and run in real PyTorch: its parameter counts
// are the summary's, a forward pass gives the summary's output shape (NCHW), and its state_dict
// holds exactly the tensors the checkpoints name (stateTensors), with their shapes. One Python
// process checks them all, since importing torch is slow.

const run = promisify(execFile);

interface Expected {
  label: string;
  file: string;
  input: number[];
  output: number[];
  trainable: number;
  nonTrainable: number;
  state: Record<string, number[]>;
}

/** Beside the examples: names Python must be protected from, an empty model, identity branches, a flat input. */
const ODD: ModelIR[] = [
  model('Tricky "quoted" \\ name\nwith """ a newline', [4, 4, 2], [
    block('a"b\\c', [conv2d(2, 1)]), parallel([[], []]), block('empty', []), flatten(), dense(2, { name: 'class' }),
  ]),
  model('Empty', [3], []),
  model('Flat', [6], [dense(4), batchNorm(), lrn({ size: 3 }), relu(), dense(2)]),
];

const nchw = (s: number[]) => (s.length === 3 ? [s[2]!, s[0]!, s[1]!] : s);

const CHECK = `
import ast, importlib.util, json, os, sys
import torch
torch.set_num_threads(os.cpu_count())
torch.manual_seed(0)
for case in json.load(open(sys.argv[1])):
    source = open(case["file"]).read()
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported.update((a.asname or a.name).split(".")[0] for a in node.names)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    spec = importlib.util.spec_from_file_location("exported", case["file"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build_model().eval()
    with torch.no_grad():
        y = model(torch.zeros([1] + case["input"]))
    print(json.dumps({
        "label": case["label"],
        "unusedImports": sorted(imported - used),
        "trainable": sum(p.numel() for p in model.parameters()),
        "nonTrainable": sum(b.numel() for b in model.buffers() if b.is_floating_point()),
        "output": list(y.shape),
        "finite": bool(torch.isfinite(y).all()),
        "state": {k: list(v.shape) for k, v in model.state_dict().items()},
    }), flush=True)
`;

test('every example exports to a PyTorch module with the summary\'s counts, output shape and state_dict', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-export-torch-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases: Expected[] = [];
  const sources: { name: string; models: { exportName: string; model: ModelIR }[] }[] = [];
  for (const name of fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.cnn.ts')).sort()) {
    sources.push({ name, models: (await loadModelFile(path.join(EXAMPLES_DIR, name))).models });
  }
  sources.push({ name: 'odd.cnn.ts', models: ODD.map((ir, i) => ({ exportName: `odd${i}`, model: ir })) });
  for (const { name, models } of sources) {
    for (const m of models) {
      const analysis = analyzeModel(m.model);
      const label = `${name} (${m.exportName})`;
      const file = path.join(dir, `model_${cases.length}.py`);
      fs.writeFileSync(file, pytorchModule({ exportName: m.exportName, model: m.model, analysis }, { sourceName: name }));
      const state: Record<string, number[]> = {};
      for (const s of stateTensors(m.model, analysis)) {
        state[s.key] = s.shape;
        // PyTorch's BatchNorm also counts the batches it has seen (an integer, not a statistic).
        if (s.role === 'running_var') state[s.key.replace(/running_var$/, 'num_batches_tracked')] = [];
      }
      cases.push({
        label, file, input: nchw(m.model.inputShape), output: [1, ...nchw(analysis.totals.outputShape ?? m.model.inputShape)],
        trainable: analysis.totals.trainableParams, nonTrainable: analysis.totals.nonTrainableParams, state,
      });
    }
  }
  assert.ok(cases.length >= 16, `every example's models and the odd ones (${cases.length})`);
  const casesFile = path.join(dir, 'cases.json');
  fs.writeFileSync(casesFile, JSON.stringify(cases));
  const { stdout } = await run(torch.python, ['-c', CHECK, casesFile], { maxBuffer: 1 << 26 });
  const results = stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(results.length, cases.length);
  for (const [i, r] of results.entries()) {
    const c = cases[i]!;
    assert.equal(r.label, c.label);
    assert.deepEqual(r.unusedImports, [], `${c.label}: unused imports`);
    assert.equal(r.trainable, c.trainable, `${c.label}: trainable parameters`);
    assert.equal(r.nonTrainable, c.nonTrainable, `${c.label}: non-trainable parameters`);
    assert.deepEqual(r.output, c.output, `${c.label}: output shape`);
    assert.ok(r.finite, `${c.label}: finite output`);
    assert.deepEqual(r.state, c.state, `${c.label}: state_dict keys and shapes`);
  }
});
