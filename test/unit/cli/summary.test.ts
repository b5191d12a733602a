import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { analyzeModel } from '../../../src/analysis/index';
import { buildSummary } from '../../../src/analysis/summary';
import { byteSize, compactCount } from '../../../src/shared/format';
import { runSummary } from '../../../src/cli/summary';
import { LocatedError } from '../../../src/dsl/errors';
import { loadModelFile, selectModel } from '../../../src/loader/index';
import { REPO_ROOT } from '../../support/paths';

// `cnn-explorer summary`: the JSON document of the CLI contract and the human table, on real
// files through the real loader. The command runs in-process (runSummary: the text it prints and
// whether it exits 1); one test runs the real CLI entry to check the exit status.

const ROOT = REPO_ROOT;
const EXAMPLES = path.join(ROOT, 'examples');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-summary-'));
function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

async function run(argv: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  const { text, hasErrors } = await runSummary(argv);
  return { out: text, exitCode: hasErrors ? 1 : undefined };
}

const TINY = write('tiny.cnn.ts', [
  "import { model, conv2d, relu, maxPool2d, flatten, dense, residual, batchNorm } from 'cnn-explorer';",
  "export default model('Tiny', [8, 8, 1], [",
  '  conv2d(4, 3, { padding: 1 }), relu(),',
  '  residual([conv2d(4, 3, { padding: 1, bias: false }), batchNorm()]),',
  '  maxPool2d(2),',
  '  flatten(),',
  '  dense(10),',
  ']);',
  "export const other = model('Other', [4], [dense(2)]);",
]);

test('--json prints the contract\'s object: every leaf layer and merge in order, with sources', async () => {
  const { out, exitCode } = await run([TINY, '--json']);
  assert.equal(exitCode, undefined);
  assert.ok(out.endsWith('\n') && out.indexOf('\n') === out.length - 1, 'one line');
  const doc = JSON.parse(out);
  assert.deepEqual(Object.keys(doc), ['model', 'export', 'input', 'layers', 'totals', 'diagnostics']);
  assert.equal(doc.model, 'Tiny');
  assert.equal(doc.export, 'default');
  assert.deepEqual(doc.input, [8, 8, 1]);
  assert.deepEqual(doc.layers.map((l: { path: string }) => l.path),
    ['conv2d_1', 'relu_1', 'conv2d_2', 'batchNorm_1', 'add_1', 'maxPool2d_1', 'flatten_1', 'dense_1']);
  assert.deepEqual(doc.layers[0], {
    path: 'conv2d_1', name: 'conv2d_1', type: 'conv2d',
    inputShapes: [[8, 8, 1]], outputShape: [8, 8, 4],
    params: { trainable: 40, nonTrainable: 0 }, macs: 2304,
    receptiveField: { size: [3, 3], jump: [1, 1], start: [0, 0] },
    source: { file: TINY, line: 3, column: 3, endLine: 3, endColumn: 31 },
  });
  const add = doc.layers[4];
  assert.deepEqual([add.type, add.inputShapes, add.source.line, add.source.column], ['add', [[8, 8, 4], [8, 8, 4]], 4, 3]);
  assert.deepEqual(doc.layers[3].params, { trainable: 8, nonTrainable: 8 });
  assert.equal(doc.layers[6].receptiveField, null);
  assert.deepEqual(doc.totals, { trainableParams: 40 + 144 + 8 + 640 + 10, nonTrainableParams: 8, macs: 2304 + 9216 + 640, outputShape: [10] });
  assert.deepEqual(doc.diagnostics, []);
});

test('--model picks an export; an unknown one is a located error', async () => {
  const doc = JSON.parse((await run([TINY, '--model', 'other', '--json'])).out);
  assert.deepEqual([doc.model, doc.export, doc.totals.outputShape], ['Other', 'other', [2]]);
  await assert.rejects(run([TINY, '--model', 'nope']), (err: unknown) =>
    err instanceof LocatedError && err.message === "no exported model 'nope' (exports: default, other)");
  await assert.rejects(run([]), /missing FILE\nusage: cnn-explorer summary FILE \[--model EXPORT\] \[--json \| --format table\|json\|md\|csv\|latex\]/);
});

test('the table lists path, type, output, params, MACs and receptive field, then the totals', async () => {
  const { out, exitCode } = await run([TINY]);
  assert.equal(exitCode, undefined);
  assert.equal(out, [
    'Tiny (export default), input 8×8×1',
    '─'.repeat(62),
    'Layer        Type       Output  Params   MACs  Receptive field',
    '─'.repeat(62),
    'conv2d_1     conv2d     8×8×4       40  2,304  3×3 /1 @0',
    'relu_1       relu       8×8×4        0      0  3×3 /1 @0',
    'conv2d_2     conv2d     8×8×4      144  9,216  5×5 /1 @0',
    'batchNorm_1  batchNorm  8×8×4        8      0  5×5 /1 @0',
    'add_1        add        8×8×4        0      0  5×5 /1 @0',
    'maxPool2d_1  maxPool2d  4×4×4        0      0  6×6 /2 @0.5',
    'flatten_1    flatten    64           0      0  —',
    'dense_1      dense      10         650    640  —',
    '─'.repeat(62),
    'Trainable params:      842',
    'Non-trainable params:  8',
    'Total params:          850 (3.32 KiB as float32)',
    'MACs per image:        12.16 K',
    'Activations per image: 5.54 KiB', // (5·256 + 2·64 + 10) floats
    'Output shape:          10',
    '',
  ].join('\n'));
});

test('a model with errors is still summarised; diagnostics follow as file:line:column lines and the exit code is 1', async () => {
  const file = write('broken.cnn.ts', [
    "import { model, conv2d, dense, parallel } from 'cnn-explorer';",
    "export default model('Broken', [8, 8, 3], [",
    "  parallel([[conv2d(4, 3, { stride: 2, padding: 1 })], [conv2d(4, 3, { stride: 2, padding: 'same' })]], { merge: 'add' }),",
    '  dense(10),',
    ']);',
  ]);
  const { out, exitCode } = await run([file]);
  assert.equal(exitCode, 1);
  const tail = out.trimEnd().split('\n').slice(-2);
  assert.deepEqual(tail, [
    `${file}:3:3: warning: add_1: receptive fields of the inputs are misaligned (conv2d_1 3×3 /2 @0, conv2d_2 3×3 /2 @1): their centres or jumps differ`,
    `${file}:4:3: error: dense_1: input is 4×4×4 but dense needs a flat input; add flatten() before it`,
  ]);
  assert.match(out, /^dense_1 +dense +\? +0 +0 +—$/m);
  const json = await run([file, '--json']);
  assert.equal(json.exitCode, 1);
  const doc = JSON.parse(json.out);
  assert.deepEqual(doc.diagnostics.map((d: { severity: string; nodeId: string }) => [d.severity, d.nodeId]), [['warning', 'add_1'], ['error', 'dense_1']]);
  assert.equal(doc.totals.outputShape, null);
});

test('buildSummary agrees with the analysis for a large example (ResNet-50)', async () => {
  const { model, exportName } = selectModel(await loadModelFile(path.join(EXAMPLES, 'resnet50.cnn.ts')));
  const doc = buildSummary(model, exportName, analyzeModel(model));
  assert.equal(doc.layers.length, model.nodes.length);
  assert.equal(doc.layers.filter((l) => l.type === 'add').length, 16);
  assert.equal(doc.layers.reduce((a, l) => a + l.params.trainable, 0), 25557032);
  assert.equal(doc.layers.reduce((a, l) => a + l.macs, 0), doc.totals.macs);
  assert.ok(doc.layers.every((l) => l.source !== null && l.source.file.endsWith('resnet.ts')), 'layers made in the helper point into it');
});

test('units: MACs in K/M/G, bytes in binary units', () => {
  assert.deepEqual([compactCount(999), compactCount(4089184256), compactCount(714188480)], ['999', '4.09 G', '714.19 M']);
  assert.deepEqual([byteSize(512), byteSize(1536), byteSize(32925696)], ['512 B', '1.50 KiB', '31.40 MiB']);
});

test('the real CLI entry exits 1 on a model with errors and 0 on a good one', async () => {
  const exec = promisify(execFile);
  const bad = write('bad-cli.cnn.ts', ["import { model, dense } from 'cnn-explorer';", "export default model('B', [2, 2, 1], [dense(3)]);"]);
  const cli = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'summary'];
  const good = await exec(process.execPath, [...cli, path.join(EXAMPLES, 'lenet.cnn.ts'), '--json'], { cwd: ROOT });
  assert.equal(JSON.parse(good.stdout).totals.trainableParams, 61706);
  await assert.rejects(exec(process.execPath, [...cli, bad], { cwd: ROOT }), (err: { code?: number; stdout?: string }) =>
    err.code === 1 && (err.stdout ?? '').includes('error: dense_1: input is 2×2×1 but dense needs a flat input; add flatten() before it'));
});

const GIB = 2 ** 30;

test('an absurd model: counts past 2^53 are marked approximate (text) or flagged (JSON), and training memory is warned about', async () => {
  const absurd = write('absurd.cnn.ts', [
    "import { model, flatten, dense } from 'cnn-explorer';",
    "export default model('Absurd', [100000, 100000, 3], [flatten(), dense(1e9), dense(10)]);",
  ]);
  const { exitCode } = await run([absurd]);
  assert.equal(exitCode, undefined, 'a warning is not an error');
  const out = (await runSummary([absurd], 24 * GIB)).text;
  assert.doesNotMatch(out, /\d{1,3}(,\d{3}){6,}/, 'no exact-looking count past 2^53');
  assert.match(out, /^dense_1 +dense +1000000000 +≈3\.00e19 +≈3\.00e19 +—$/m);
  assert.match(out, /^dense_2 +dense +10 +10,000,000,010 +10,000,000,000 +—$/m, 'counts below 2^53 stay exact');
  assert.match(out, /^Total params: +≈3\.00e19 \(104\.08 EiB as float32\)$/m);
  assert.match(out, /^MACs per image: +3\.00e19$/m);
  assert.match(out, /^Activations per image: 115\.48 GiB$/m);
  assert.ok(out.endsWith(`\n${absurd}:2:54: warning: flatten_1: training does not fit in memory from this layer on: it needs about 416.33 EiB ` +
    "at batch size 64 (weights, gradients and Adam's two moments: 4 × 104.08 EiB of parameters, plus activations 115.48 GiB × 64 × 2 " +
    'for the backward pass); this machine has 24.00 GiB; make the model smaller: its parameters alone need 416.33 EiB to train\n'), out);

  const doc = JSON.parse((await runSummary([absurd, '--json'], 24 * GIB)).text);
  assert.equal(doc.approximateCounts, true);
  assert.deepEqual(doc.diagnostics.map((d: { severity: string; nodeId: string }) => [d.severity, d.nodeId]), [['warning', 'flatten_1']]);
  assert.equal(JSON.parse((await run([TINY, '--json'])).out).approximateCounts, undefined, 'absent while every count is exact');
});

test('the memory warning uses the file\'s batch size (the default 64 without one) and the memory the caller gives', async () => {
  // 224×224×256 activations: 49 MiB an image, ×2 for the backward pass.
  const lines = (batch: string) => [
    "import { model, conv2d, globalAvgPool, dense, type Training } from 'cnn-explorer';",
    "export default model('Wide', [224, 224, 3], [conv2d(256, 3, { padding: 1 }), globalAvgPool(), dense(10)]);",
    ...(batch ? [`export const training: Training = { batchSize: ${batch} };`] : []),
  ];
  const warning = async (file: string, memory: number) => (await runSummary([file], memory)).text.split('\n').find((l) => l.includes('warning:'));
  const withDefault = write('wide-default.cnn.ts', lines(''));
  const small = write('wide-small.cnn.ts', lines('4'));
  assert.match((await warning(withDefault, 4 * GIB))!, /conv2d_1: training does not fit in memory from this layer on: it needs about 6\.13 GiB at batch size 64 .*; this machine has 4\.00 GiB; lower batchSize to 41 or less$/);
  assert.equal(await warning(small, 4 * GIB), undefined);
  assert.equal(await warning(withDefault, 8 * GIB), undefined);
});
