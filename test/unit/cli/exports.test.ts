import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { runRuns } from '../../../src/cli/runs';
import type { SummaryDocument } from '../../../src/analysis/summary';
import { runCli } from '../../support/cli';
import { readCsv } from '../../support/csv';
import { REPO_ROOT } from '../../support/paths';
import { writeSeedFixtures } from '../../support/runFixtures';

// The CLI's exports, for pasting elsewhere: `summary --format md|csv|latex` as a user runs it (a
// process of its own, on the real LeNet-5 example), and `runs compare --format md|csv`,
// `runs show --curves csv` on real run folders. CSV is read back by a CSV reader and checked
// against the JSON the same commands print.

const LENET = path.join(REPO_ROOT, 'examples', 'lenet.cnn.ts');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-exports-'));
const runsDir = path.join(tmp, 'runs');
let seed: Awaited<ReturnType<typeof writeSeedFixtures>>;
let json: SummaryDocument;

before(async () => {
  seed = await writeSeedFixtures(runsDir);
  const r = await runCli(['summary', LENET, '--json'], { cwd: REPO_ROOT });
  json = JSON.parse(r.stdout) as SummaryDocument;
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('summary --format csv: one row per layer, counts as plain numbers, the same as --json', async () => {
  const r = await runCli(['summary', LENET, '--format', 'csv'], { cwd: REPO_ROOT });
  assert.equal(r.code, 0, r.stderr);
  const rows = readCsv(r.stdout);
  assert.deepEqual(rows[0], ['Layer', 'Type', 'Output', 'Params', 'MACs', 'Receptive field']);
  assert.deepEqual(rows.slice(1).map((row) => [row[0], row[1], Number(row[3]), Number(row[4])]),
    json.layers.map((l) => [l.path, l.type, l.params.trainable, l.macs]));
  assert.deepEqual(rows[1], ['conv2d_1', 'conv2d', '28×28×6', '156', '117600', '5×5 /1 @0']);
  assert.deepEqual(rows.at(-1), ['dense_3', 'dense', '10', '850', '840', ''], 'no receptive field: an empty field');
});

test('summary --format md: the title, the table (numbers right-aligned) and the totals', async () => {
  const r = await runCli(['summary', LENET, '--format', 'md'], { cwd: REPO_ROOT });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], '**LeNet-5** (export default), input 28×28×1');
  assert.equal(lines[2], '| Layer | Type | Output | Params | MACs | Receptive field |');
  assert.equal(lines[3], '| --- | --- | --- | ---: | ---: | --- |');
  assert.equal(lines[4], '| conv2d\\_1 | conv2d | 28×28×6 | 156 | 117,600 | 5×5 /1 @0 |');
  assert.equal(lines.filter((l) => l.startsWith('| ')).length, 2 + json.layers.length);
  assert.ok(lines.includes('- Trainable params: 61,706'), r.stdout);
  assert.ok(lines.includes('- Output shape: 10'), r.stdout);
});

test('summary --format latex: a booktabs tabular whose symbols compile without unicode', async () => {
  const r = await runCli(['summary', LENET, '--format', 'latex'], { cwd: REPO_ROOT });
  assert.equal(r.code, 0, r.stderr);
  const body = r.stdout.split('\n').filter((l) => !l.startsWith('%'));
  assert.equal(body[0], '\\begin{tabular}{lllrrl}');
  assert.ok(body.includes('conv2d\\_1 & conv2d & 28$\\times$28$\\times$6 & 156 & 117,600 & 5$\\times$5 /1 @0 \\\\'), r.stdout);
  assert.ok(body.includes('Trainable params & 61,706 \\\\'), r.stdout);
  assert.deepEqual(body.filter((l) => /[^\x20-\x7e]/.test(l)), [], 'ASCII only outside comments');
});

test('summary: --format json is --json; a format it does not know, or two that disagree, is one line and exit 1', async () => {
  const same = await runCli(['summary', LENET, '--format', 'json'], { cwd: REPO_ROOT });
  assert.deepEqual(JSON.parse(same.stdout), json);
  const unknown = await runCli(['summary', LENET, '--format', 'xml'], { cwd: REPO_ROOT });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^cnn-explorer: --format must be one of table, json, md, csv, latex, got 'xml'\nusage: cnn-explorer summary /);
  const both = await runCli(['summary', LENET, '--json', '--format', 'csv'], { cwd: REPO_ROOT });
  assert.equal(both.code, 1);
  assert.match(both.stderr, /^cnn-explorer: --json and --format csv disagree\n/);
});

test('runs compare --format md: the runs, what differs, the metrics and per-class accuracy as Markdown tables', async () => {
  const text = await runRuns(['compare', seed.mlp, seed.cnnPerm, '--runs-dir', runsDir, '--format', 'md']);
  assert.deepEqual(text.split('\n').filter((l) => l.startsWith('## ')),
    ['## Runs', '## What differs', '## Best and final metrics', '## Per-class test accuracy (best epoch)']);
  assert.match(text, new RegExp(`\\n\\| #2 \\| ${seed.cnnPerm} \\|  \\| CNN \\(cnn\\) \\| mnist \\| completed \\| 2/2 \\| 2 \\| wasm \\| 10s \\|\\n`));
  assert.match(text, new RegExp(`\\n\\| setting \\| #1 ${seed.mlp} \\| #2 ${seed.cnnPerm} \\|\\n\\| --- \\| --- \\| --- \\|\\n\\| model\\.name \\| MLP \\| CNN \\|\\n`));
  assert.match(text, /\n\| permutePixels \| — \| 42 \|\n/);
  assert.match(text, /\n\| test accuracy \| 87\.70% \| 87\.70% \| 72\.60% \| 72\.60% \|\n/);
  assert.match(text, /\n\| 0 \| 85\.00% \| 70\.00% \(−15\.00\) \|\n/);
});

test('runs compare --format csv: the metrics (or the table --table names), raw numbers, as --json has them', async () => {
  const contract = JSON.parse(await runRuns(['compare', seed.mlp, seed.cnn, '--runs-dir', runsDir, '--json'])) as {
    metrics: Record<string, { best: (number | null)[]; final: (number | null)[] }>;
  };
  const rows = readCsv(await runRuns(['compare', seed.mlp, seed.cnn, '--runs-dir', runsDir, '--format', 'csv']));
  assert.deepEqual(rows[0], ['metric', `#1 ${seed.mlp} best`, `#1 ${seed.mlp} final`, `#2 ${seed.cnn} best`, `#2 ${seed.cnn} final`]);
  const acc = rows.find((r) => r[0] === 'test accuracy')!.slice(1).map(Number);
  const m = contract.metrics.test_accuracy!;
  assert.deepEqual(acc, [m.best[0], m.final[0], m.best[1], m.final[1]]);
  const perClass = readCsv(await runRuns(['compare', seed.mlp, seed.cnn, '--runs-dir', runsDir, '--format', 'csv', '--table', 'per-class']));
  assert.deepEqual(perClass[1], ['0', '0.85', '0.93']);
  await assert.rejects(runRuns(['compare', seed.mlp, seed.cnn, '--runs-dir', runsDir, '--format', 'csv', '--table', 'nope']),
    /^UsageError: --table must be one of runs, config, metrics, per-class, curves, got 'nope'\nusage: cnn-explorer runs /);
  await assert.rejects(runRuns(['list', '--runs-dir', runsDir, '--format', 'md']), /--format is for runs compare/);
});

test('runs show --curves csv: one row per epoch, each curve a column', async () => {
  const rows = readCsv(await runRuns(['show', seed.cnn, '--runs-dir', runsDir, '--curves', 'csv']));
  assert.deepEqual(rows[0], ['epoch', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'lr']);
  const shown = JSON.parse(await runRuns(['show', seed.cnn, '--runs-dir', runsDir, '--json'])) as { final: { epoch: number; test: { accuracy: number; loss: number } } };
  const last = rows.at(-1)!;
  assert.deepEqual([Number(last[0]), Number(last[3]), Number(last[4])], [shown.final.epoch, shown.final.test.loss, shown.final.test.accuracy]);
  await assert.rejects(runRuns(['show', seed.cnn, '--runs-dir', runsDir, '--curves', 'md']), /--curves must be one of csv, got 'md'/);
});
