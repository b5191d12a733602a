import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatError, LocatedError } from '../../../src/dsl/errors';
import { loadModelFile, selectModel } from '../../../src/loader/index';

// The loader as users meet it: real files in a folder with no node_modules, real esbuild,
// real sandbox. Messages are asserted exactly because users read them.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-loader-'));
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function loadError(file: string, text?: string): Promise<string> {
  try {
    await loadModelFile(file, { text, timeoutMs: 500 });
  } catch (err) {
    assert.ok(err instanceof LocatedError, `expected a LocatedError, got ${String(err)}`);
    return formatError(err).replace(dir + path.sep, '');
  }
  assert.fail('expected the file not to load');
}

const HEADER = "import { model, conv2d, relu, flatten, dense, residual, repeat, block } from 'cnn-explorer';\n";

test('a model file anywhere on disk loads with no npm install beside it', async () => {
  const file = write('lenet.cnn.ts', HEADER + `
export default model('Tiny', [8, 8, 1], [conv2d(4, 3), relu(), flatten(), dense(10)]);
export const training = { dataset: 'mnist', epochs: 1 };
`);
  const loaded = await loadModelFile(file);
  assert.equal(loaded.models.length, 1);
  const m = selectModel(loaded).model;
  assert.equal(m.name, 'Tiny');
  assert.deepEqual(m.nodes.map((n) => n.path), ['conv2d_1', 'relu_1', 'flatten_1', 'dense_1']);
  assert.deepEqual(loaded.training, { dataset: 'mnist', epochs: 1 });
});

test('every layer carries the range of the call that made it, also inside helpers and loops', async () => {
  const file = write('ranges.cnn.ts', HEADER + [
    'function unit(c: number) {',
    '  return [conv2d(c, 3, { padding: 1 }), relu()];',
    '}',
    "export default model('R', [8, 8, 3], [",
    '  repeat(2, (i) => unit(4 * (i + 1))),',
    '  dense(',
    '    10),',
    ']);',
  ].join('\n'));
  const m = selectModel(await loadModelFile(file)).model;
  const ranges = Object.fromEntries(m.nodes.map((n) => [n.path, n.source && [n.source.line, n.source.column, n.source.endLine, n.source.endColumn]]));
  assert.deepEqual(ranges['conv2d_1'], [3, 11, 3, 39]);
  assert.deepEqual(ranges['conv2d_2'], [3, 11, 3, 39], 'loop instances share the call range');
  assert.deepEqual(ranges['relu_2'], [3, 41, 3, 47]);
  assert.deepEqual(ranges['dense_1'], [7, 3, 8, 8], 'a call over two lines spans both');
  assert.equal(m.nodes[0]!.source!.file, file);
});

test('relative imports of other .ts files resolve, with ranges in the imported file', async () => {
  write('lib/blocks.ts', HEADER + 'export const stem = (c: number) => [conv2d(c, 3), relu()];\n');
  const file = write('uses-lib.cnn.ts', HEADER + "import { stem } from './lib/blocks';\nexport default model('U', [8, 8, 1], [stem(2)]);\n");
  const m = selectModel(await loadModelFile(file)).model;
  assert.equal(m.nodes[0]!.source!.file, path.join(dir, 'lib/blocks.ts'));
  assert.equal(m.nodes[0]!.source!.line, 2);
});

test('unsaved editor text is evaluated in place of the file on disk', async () => {
  const file = write('unsaved.cnn.ts', HEADER + "export default model('Disk', [4], [dense(2)]);\n");
  const loaded = await loadModelFile(file, { text: HEADER + "export default model('Editor', [4], [dense(3)]);\n" });
  assert.equal(selectModel(loaded).model.name, 'Editor');
});

test('named exports are models too; the default comes first; selectModel names what exists', async () => {
  const file = write('two.cnn.ts', HEADER + "export const small = model('S', [4], [dense(2)]);\nexport const big = model('B', [4], [dense(2)]);\nexport default model('D', [4], [dense(3)]);\n");
  const loaded = await loadModelFile(file);
  assert.deepEqual(loaded.models.map((m) => m.exportName), ['default', 'small', 'big'], 'default first, then file order');
  assert.equal(selectModel(loaded, 'small').model.name, 'S');
  assert.throws(() => selectModel(loaded, 'large'), /no exported model 'large' \(exports: default, small, big\)/);
  const aliased = write('alias.cnn.ts', HEADER + "export const mlp = model('MLP', [4], [dense(2)]);\nexport const cnn = model('CNN', [4], [dense(2)]);\nexport default cnn;\n");
  const both = await loadModelFile(aliased);
  assert.deepEqual(both.models.map((m) => [m.exportName, m.isDefault]), [['cnn', true], ['mlp', false]], 'one entry per model');
  assert.equal(selectModel(both, 'default').model.name, 'CNN');
});

test('syntax errors point at the line and column', async () => {
  const file = write('syntax.cnn.ts', HEADER + "export default model('X', [4], [dense(2]);\n");
  assert.equal(await loadError(file), 'syntax.cnn.ts:2:40: Expected ")" but found "]"');
});

test('node modules, packages and unknown files are refused before anything runs', async () => {
  const fsImport = write('fs.cnn.ts', HEADER + "import * as fs from 'node:fs';\nfs.writeFileSync('/tmp/x', '');\n");
  assert.equal(await loadError(fsImport),
    "fs.cnn.ts:2:21: import of 'node:fs' is not allowed in a model file: only 'cnn-explorer' and relative .ts files can be imported");
  const pkg = write('pkg.cnn.ts', HEADER + "import _ from 'lodash';\nexport default _;\n");
  assert.match(await loadError(pkg), /^pkg\.cnn\.ts:2:15: import of 'lodash' is not allowed in a model file/);
  const missing = write('missing.cnn.ts', HEADER + "import { x } from './nowhere';\nexport default x;\n");
  assert.equal(await loadError(missing), "missing.cnn.ts:2:19: cannot find './nowhere' (model files may import relative .ts files)");
  const req = write('require.cnn.ts', "const fs = require('fs');\nexport default fs;\n");
  assert.match(await loadError(req), /^require\.cnn\.ts:1:20: import of 'fs' is not allowed in a model file/);
});

test('process, require and eval are out of reach at run time', async () => {
  const file = write('globals.cnn.ts', HEADER + "export default model([typeof process, typeof globalThis.require].join(','), [4], [dense(2)]);\n");
  assert.equal(selectModel(await loadModelFile(file)).model.name, 'undefined,undefined');
  const evil = write('eval.cnn.ts', HEADER + "const p = new Function('return process')();\nexport default p;\n");
  assert.equal(await loadError(evil), 'eval.cnn.ts:2:11: EvalError: Code generation from strings disallowed for this context');
});

test('an endless loop is stopped by the time limit', async () => {
  const file = write('loop.cnn.ts', HEADER + 'while (true) {}\n');
  assert.equal(await loadError(file), 'loop.cnn.ts:1:1: evaluating the model file took longer than 0.5 s and was stopped (an endless loop?)');
});

test('exceptions in model code point at the throwing line', async () => {
  const file = write('throws.cnn.ts', HEADER + "const cfg: any = undefined;\nexport default model('T', [4], [dense(cfg.units)]);\n");
  assert.equal(await loadError(file), "throws.cnn.ts:3:43: TypeError: Cannot read properties of undefined (reading 'units')");
  const thrown = write('thrown.cnn.ts', HEADER + "throw new Error('unfinished');\n");
  assert.equal(await loadError(thrown), 'thrown.cnn.ts:2:7: Error: unfinished');
});

test('DSL misuse points at the call that caused it', async () => {
  const cases: Array<[string, string]> = [
    ['conv2d(6, 5, { paddin: 2 })', "conv2d: unknown option 'paddin' (options: stride, padding, dilation, groups, bias, activation, name)"],
    ['conv2d(0, 5)', 'conv2d: filters must be a positive integer, got 0'],
    ['conv2d(6, 2.5)', 'conv2d: kernel must be a positive integer, got 2.5'],
    ['conv2d(6, [3, 3, 3] as any)', 'conv2d: kernel must be a number or an [h, w] pair, got [3, 3, 3]'],
    ["conv2d(6, 3, { padding: 'full' as any })", "conv2d: padding must be a number, an [h, w] pair, 'same' or 'valid', got \"full\""],
    ['conv2d(6, 3, { groups: 4 })', 'conv2d: filters (6) must be divisible by groups (4)'],
    ["conv2d(6, 3, { activation: 'gelu' as any })", "conv2d: activation must be one of 'relu', 'relu6', 'hardswish', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'logSoftmax', got \"gelu\""],
    ['(dense as any)(10, {}, 3)', 'dense: takes at most 2 arguments (units, options), got 3'],
    ['dense(-1)', 'dense: units must be a positive integer, got -1'],
    ["dense(10, { bias: 'no' as any })", 'dense: bias must be true or false, got "no"'],
    ['relu as any', 'model: layers[0] is not a layer (a layer function that was not called? write relu(), not relu)'],
  ];
  for (const [call, message] of cases) {
    const file = write('misuse.cnn.ts', HEADER + `export default model('M', [8, 8, 1], [${call}]);\n`);
    // The call's column: where the layer function's name starts after `[`.
    const col = call === 'relu as any' ? 16 : call.startsWith('(') ? 40 : 39;
    assert.equal(await loadError(file), `misuse.cnn.ts:2:${col}: ${message}`, call);
  }
});
