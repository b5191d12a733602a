import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeModel } from '../../../../src/analysis/index';
import type { AnalyzedModel } from '../../../../src/analysis/types';
import { LocatedError } from '../../../../src/dsl/errors';
import { exportLines } from '../../../../src/extension/editor/exports';
import { hoverMarkdown, MAX_ROWS } from '../../../../src/extension/editor/hover';
import { inlayLabels } from '../../../../src/extension/editor/inlay';
import { contains, exportTargetAt, targetAt, type Position } from '../../../../src/extension/editor/lookup';
import { problemsByFile, problemsOf } from '../../../../src/extension/editor/problems';
import { loadModelFile } from '../../../../src/loader/index';

// What the editor shows, computed from real model files by the real loader and analysis:
// hover Markdown, inlay labels, problems. The VS Code providers only convert positions.

async function analysed(file: string): Promise<AnalyzedModel[]> {
  const loaded = await loadModelFile(file);
  return loaded.models.map((m) => ({ ...m, analysis: analyzeModel(m.model) }));
}

const tmp = mkdtempSync(path.join(tmpdir(), 'cnn-editor-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a model file (and its helpers) into a fresh folder; returns the model file's path. */
function writeFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmp, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, Object.keys(files)[0]!);
}

function hoverAt(results: AnalyzedModel[], file: string, pos: Position, stale = false): string | null {
  const target = targetAt(results, file, pos);
  return target && hoverMarkdown(target, { stale });
}

describe('editor: LeNet-5 (examples/lenet.cnn.ts)', async () => {
  const file = path.resolve('examples/lenet.cnn.ts');
  const lenet = await analysed(file);

  it('hovering the first conv2d shows its shapes, arithmetic, parameters, MACs and field', () => {
    // Line 8: `  conv2d(6, 5, { padding: 2 }), sigmoid(),`
    assert.equal(hoverAt(lenet, file, { line: 8, column: 4 }), [
      '**conv 6 · 5×5 · p2** `conv2d_1`',
      '',
      '`28×28×1 → 28×28×6`',
      '',
      'output size: `h: ⌊(28 − 5 + 2·2)/1⌋ + 1 = 28` · `w: ⌊(28 − 5 + 2·2)/1⌋ + 1 = 28`  ',
      'parameters: 156 trainable, 0 non-trainable  ',
      'MACs: 117,600  ',
      'receptive field: 5×5 · jump 1 · centre (0, 0)',
    ].join('\n'));
  });

  it('a call covers its callee to its closing parenthesis, and no further', () => {
    const range = targetAt(lenet, file, { line: 8, column: 3 })!.range;
    assert.deepEqual([range.line, range.column, range.endLine, range.endColumn], [8, 3, 8, 31]);
    assert.ok(contains(range, { line: 8, column: 30 }));
    assert.ok(!contains(range, { line: 8, column: 31 }));
    assert.ok(!contains(range, { line: 8, column: 2 }));
    // The `,` after it is inside model(…) only, on a line that is not model('s: nothing to show.
    assert.equal(targetAt(lenet, file, { line: 8, column: 31 }), null);
    assert.match(hoverAt(lenet, file, { line: 8, column: 34 })!, /^\*\*sigmoid\*\* `sigmoid_1`/);
  });

  it('hovering model( shows the totals', () => {
    const md = hoverAt(lenet, file, { line: 7, column: 17 })!;
    assert.match(md, /^\*\*LeNet-5\*\* · `export default`\n\n28×28×1 → 10 · 12 layers {2}\n/);
    assert.match(md, /parameters: 61,706 trainable, 0 non-trainable/);
  });

  it('the hover says stale when the file no longer evaluates', () => {
    assert.match(hoverAt(lenet, file, { line: 8, column: 4 }, true)!, /^\*\*conv 6 · 5×5 · p2\*\* `conv2d_1` \*\(stale: the file no longer evaluates\)\*/);
  });

  it('ends each layer call with its output shape', () => {
    const labels = inlayLabels(lenet, file, false).map((l) => `${l.position.line}:${l.position.column} ${l.label}`);
    assert.deepEqual(labels, [
      '8:31 → 28×28×6', '8:42 → 28×28×6', '9:15 → 14×14×6', '10:16 → 10×10×16', '10:27 → 10×10×16',
      '11:15 → 5×5×16', '12:12 → 400', '13:13 → 120', '13:24 → 120', '14:12 → 84', '14:23 → 84', '15:12 → 10',
    ]);
    assert.equal(inlayLabels(lenet, file, true)[0]!.label, '→ 28×28×6 (stale)');
  });

  it('reports no problem', () => {
    assert.deepEqual(problemsOf(lenet, null), []);
  });
});

describe('editor: ResNet-18, built in a helper module (examples/lib/resnet.ts)', async () => {
  const file = path.resolve('test/fixtures/resnet18-from-lib.cnn.ts');
  const lib = path.resolve('examples/lib/resnet.ts');
  const resnet = await analysed(file);

  it('hovering the conv2d in convBn lists its 20 instances, the first 8 in full', () => {
    // Line 12: `  return [conv2d(filters, kernel, { stride, padding: (kernel - 1) / 2, bias: false }), batchNorm()];`
    const md = hoverAt(resnet, lib, { line: 12, column: 12 })!;
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    assert.match(md, /^\*\*conv2d\*\* · 20 instances of this call\n/);
    assert.equal(rows.length, MAX_ROWS);
    assert.equal(rows[0], '| `stem/conv2d_1` | 224×224×3 → 112×112×64 | 9,408 | 118.01 M | 7×7 |');
    assert.equal(rows[5], '| `layer2/layer2.0/conv2d_6` | 56×56×64 → 28×28×128 | 73,728 | 57.80 M | 51×51 |');
    assert.match(md, /\n\n… and 12 more$/);
  });

  it('hovering block( shows the group', () => {
    // Line 67: `    block('stem', imagenet`
    assert.equal(hoverAt(resnet, lib, { line: 67, column: 6 }),
      '**block** `stem`\n\n`224×224×3 → 56×56×64`\n\n4 layers  \nparameters: 9,664  \nMACs: 118,013,952 (118.01 M)');
  });

  it('labels shared calls with their shapes, or a count', () => {
    const labels = new Map(inlayLabels(resnet, lib, false).map((l) => [l.position.line, l.label]));
    assert.equal(labels.get(12), '→ 5 shapes ×20');
    assert.equal(labels.get(73), '→ 1000');
  });

  it('the model file has no layer call: its export statement shows the totals', () => {
    const text = "import { resnet } from './lib/resnet';\n\nexport default resnet({ name: 'R' });\nexport const training = {};\n";
    const exports = exportLines(text, file);
    assert.deepEqual([...exports.keys()], ['default', 'training']);
    assert.equal(exports.get('default')!.line, 3);
    assert.equal(targetAt(resnet, file, { line: 3, column: 5 }), null);
    const target = exportTargetAt(resnet, file, exports, { line: 3, column: 5 })!;
    const md = hoverMarkdown(target, { stale: false });
    assert.match(md, /^\*\*ResNet-18\*\* · `export default`/);
    assert.match(md, /parameters: 11,689,512 \(11.69 M\) trainable, 9,600 non-trainable/);
  });
});

describe('editor: loops, helpers, several models', () => {
  it('a call in a loop: one label, with its count or its distinct shapes', async () => {
    const file = writeFiles({
      'loop.cnn.ts': [
        "import { model, conv2d, relu, repeat } from 'cnn-explorer';",
        'const down = (c: number) => conv2d(c, 3, { stride: 2, padding: 1 });',
        "export default model('Loop', [32, 32, 3], [",
        '  repeat(3, () => [conv2d(8, 3, { padding: 1 }), relu()]),',
        '  down(16), down(16), down(16), down(16), down(16),',
        ']);',
      ].join('\n'),
    });
    const labels = inlayLabels(await analysed(file), file, false).map((l) => `${l.position.line}:${l.label}`);
    assert.deepEqual(labels, ['2:→ 5 shapes ×5', '4:→ 32×32×8 ×3', '4:→ 32×32×8 ×3']);
  });

  it('two exports sharing a helper: instances are named by model', async () => {
    const file = writeFiles({
      'two.cnn.ts': [
        "import { model, conv2d } from 'cnn-explorer';",
        'const stem = () => conv2d(4, 3);',
        "export default model('Small', [8, 8, 1], [stem()]);",
        "export const big = model('Big', [16, 16, 1], [stem()]);",
      ].join('\n'),
    });
    const md = hoverAt(await analysed(file), file, { line: 2, column: 21 })!;
    assert.match(md, /\| `Small: conv2d_1` \| 8×8×1 → 6×6×4 \|/);
    assert.match(md, /\| `Big: conv2d_1` \| 16×16×1 → 14×14×4 \|/);
  });
});

describe('editor: problems', () => {
  it('a shape error is an error at the call; misaligned fields a warning at the merge', async () => {
    const file = writeFiles({
      'bad.cnn.ts': [
        "import { model, conv2d, dense, parallel } from 'cnn-explorer';",
        "export default model('M', [28, 28, 1], [",
        "  parallel([[conv2d(8, 3, { padding: 1 })], [conv2d(8, 2, { padding: 'same' })]]),",
        '  dense(10),',
        ']);',
      ].join('\n'),
    });
    const results = await analysed(file);
    const problems = problemsOf(results, null).map((p) => ({ ...p, range: p.range && [p.range.line, p.range.column, p.range.endColumn] }));
    assert.deepEqual(problems, [
      { severity: 'warning', exportName: 'default', range: [3, 3, 82],
        message: 'concat_1: receptive fields of the inputs are misaligned (conv2d_1 3×3 /1 @0, conv2d_2 2×2 /1 @0.5): their centres or jumps differ' },
      { severity: 'error', exportName: 'default', range: [4, 3, 12],
        message: 'dense_1: input is 28×28×16 but dense needs a flat input; add flatten() before it' },
    ]);
    // The hover of the failing call repeats the error; its output is unknown.
    const md = hoverAt(results, file, { line: 4, column: 4 })!;
    assert.match(md, /^\*\*dense 10\*\* `dense_1`\n\n`28×28×16 → \?`/);
    assert.match(md, /✖ dense_1: input is 28×28×16 but dense needs a flat input/);
    assert.equal(inlayLabels(results, file, false).at(-1)!.label, '→ ?');
  });

  it('a file that does not evaluate: only its error, at its location', async () => {
    const file = writeFiles({ 'broken.cnn.ts': "import { model, conv2d } from 'cnn-explorer';\nexport default model('B', [8, 8, 1], [conv2d(0, 3)]);\n" });
    const error = await loadModelFile(file).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof LocatedError);
    const [p, ...rest] = problemsOf([], error);
    assert.deepEqual(rest, []);
    assert.equal(p!.severity, 'error');
    assert.match(p!.message, /filters/);
    assert.deepEqual([p!.range!.line, p!.range!.column], [2, 39]);
  });

  it('an error in a helper module shows there, and in the model file at its export', async () => {
    const file = writeFiles({
      'm.cnn.ts': "import { head } from './lib/head';\nimport { model, conv2d } from 'cnn-explorer';\n\nexport default model('H', [8, 8, 1], [conv2d(4, 3), head()]);\n",
      'lib/head.ts': "import { dense } from 'cnn-explorer';\nexport const head = () => dense(10);\n",
    });
    const results = await analysed(file);
    const exports = exportLines("import …\nimport …\n\nexport default model('H', …);\n", file);
    const byFile = problemsByFile(problemsOf(results, null), file, (name) => (name === null ? null : exports.get(name) ?? null));
    const lib = path.join(path.dirname(file), 'lib/head.ts');
    assert.deepEqual([...byFile.keys()].sort(), [file, lib].sort());
    const [there] = byFile.get(lib)!;
    const [here] = byFile.get(file)!;
    assert.deepEqual([there!.range!.line, there!.range!.column], [2, 27]);
    assert.match(there!.message, /^dense_1: input is 6×6×4 but dense needs a flat input/);
    assert.equal(here!.range!.line, 4);
    assert.match(here!.message, /^lib\/head\.ts:2:27: dense_1: input is 6×6×4/);
  });
});

describe('editor: a model past the limits', async () => {
  const file = writeFiles({
    'absurd.cnn.ts': [
      "import { model, flatten, dense } from 'cnn-explorer';",
      "export default model('Absurd', [100000, 100000, 3], [flatten(), dense(1e9), dense(10)]);",
      'export const training = { batchSize: 8 };',
    ].join('\n'),
  });
  const loaded = await loadModelFile(file);
  // As ModelDocuments analyses it: the file's batch size and the machine's memory (24 GiB here).
  const results = loaded.models.map((m) => ({ ...m, analysis: analyzeModel(m.model, { batchSize: 8, memoryBytes: 24 * 2 ** 30 }) }));

  it('the Problems panel gets the memory warning at the layer from which training does not fit', () => {
    const problems = problemsOf(results, null);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.severity, 'warning');
    assert.deepEqual([problems[0]!.range?.line, problems[0]!.range?.column], [2, 54]);
    assert.match(problems[0]!.message, /^flatten_1: training does not fit in memory from this layer on: it needs about 416\.33 EiB at batch size 8 .*this machine has 24\.00 GiB; make the model smaller/);
  });

  it('hovers mark counts past 2^53 approximate instead of printing digits they do not have', () => {
    const hover = hoverAt(results, file, { line: 2, column: 66 })!;
    assert.match(hover, /parameters: ≈3\.00e19 trainable, 0 non-trainable {2}\nMACs: ≈3\.00e19/);
    assert.doesNotMatch(hover, /\d{1,3}(,\d{3}){6,}/);
  });
});
