import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatError, LocatedError } from '../../../src/dsl/errors';
import { loadModelFile, selectModel } from '../../../src/loader/index';
import { MEMORY_LIMIT_MB } from '../../../src/loader/sandbox';

// Model files that try to get out of the evaluation sandbox. Each attempt, if it got a way out,
// would write a marker file: every one must end in a located error (file:line:column) and no
// marker may exist afterwards. The payload uses what a way out would give (the host's `process`).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-sandbox-'));
const marker = (name: string) => path.join(dir, `${name}.escaped`);
const HEADER = "import { model, conv2d, relu, flatten, dense, block } from 'cnn-explorer';\n";

function write(name: string, body: string): string {
  const file = path.join(dir, `${name}.cnn.ts`);
  fs.writeFileSync(file, HEADER + body);
  return file;
}

/** Code that writes the case's marker with `processExpr` (if it is the host's `process`). */
function escapeWith(name: string, processExpr: string): string {
  return `const p: any = ${processExpr};\np.getBuiltinModule('fs').writeFileSync(${JSON.stringify(marker(name))}, 'escaped');\n` +
    "export default model('M', [4], [dense(2)]);\n";
}

async function attempt(name: string, body: string, timeoutMs = 1000): Promise<string> {
  const file = write(name, body);
  let message: string | null = null;
  try {
    await loadModelFile(file, { timeoutMs });
  } catch (err) {
    assert.ok(err instanceof LocatedError, `${name}: expected a LocatedError, got ${String(err)}`);
    message = formatError(err).replace(dir + path.sep, '');
  }
  assert.ok(!fs.existsSync(marker(name)), `${name}: the model file got out of the sandbox`);
  assert.ok(message !== null, `${name}: expected the file not to load`);
  return message;
}

const CODEGEN = 'EvalError: Code generation from strings disallowed for this context';
/** The column of the last `needle` in `expr`, as `escapeWith` writes it on line 2. */
const at = (expr: string, needle: string) => 'const p: any = '.length + expr.lastIndexOf(needle) + 1;

test('the constructor chain of every DSL value ends at the realm\'s own Function', async () => {
  const routes: Array<[string, string]> = [
    ['dsl-function', "(conv2d as any).constructor('return process')()"],
    ['dsl-layer', "(conv2d(4, 3) as any).constructor.constructor('return process')()"],
    ['dsl-options', "(conv2d(4, 3) as any).op.constructor.constructor('return process')()"],
    ['dsl-array', "(block('b', [relu()]) as any).branches.constructor.constructor('return process')()"],
    ['dsl-model', "(model('X', [4], [dense(2)]) as any).nodes[0].inputs.constructor.constructor('return process')()"],
    ['dsl-prototype', "Object.getPrototypeOf(Object.getPrototypeOf(flatten)).constructor.constructor('return process')()"],
  ];
  for (const [name, expr] of routes) {
    assert.equal(await attempt(name, escapeWith(name, expr)), `${name}.cnn.ts:2:${at(expr, 'constructor(')}: ${CODEGEN}`, name);
  }
});

test('Function, eval, process, require and globalThis lead nowhere', async () => {
  const cases: Array<[string, string, string]> = [
    ['function', "Function('return process')()", `function.cnn.ts:2:16: ${CODEGEN}`],
    ['new-function', "new Function('return process')()", `new-function.cnn.ts:2:16: ${CODEGEN}`],
    ['eval', "eval('process')", `eval.cnn.ts:2:16: ${CODEGEN}`],
    ['indirect-eval', "(0, eval)('process')", `indirect-eval.cnn.ts:2:20: ${CODEGEN}`],
    ['process', 'process', 'process.cnn.ts:2:16: ReferenceError: process is not defined'],
    ['global-process', '(globalThis as any).process.mainModule', "global-process.cnn.ts:2:44: TypeError: Cannot read properties of undefined (reading 'mainModule')"],
    ['global-constructor', "(globalThis as any).constructor.constructor('return process')()", `global-constructor.cnn.ts:2:48: ${CODEGEN}`],
    ['global-prototype', "Object.getPrototypeOf(globalThis).constructor.constructor('return process')()", `global-prototype.cnn.ts:2:62: ${CODEGEN}`],
    ['sloppy-this', "(function (this: any) { return this; })().constructor.constructor('return process')()", `sloppy-this.cnn.ts:2:70: ${CODEGEN}`],
    ['computed-require', "(require as any)(['f', 's'].join(''))", 'computed-require.cnn.ts:2:17: Error: Dynamic require of "fs" is not supported'],
  ];
  for (const [name, expr, expected] of cases) assert.equal(await attempt(name, escapeWith(name, expr)), expected, name);
});

test('import() is refused at the call, even when model code catches the refusal', async () => {
  const body = (name: string) => `const fsName = ['node', 'fs'].join(':');\n` +
    `import(fsName).then((fs: any) => fs.writeFileSync(${JSON.stringify(marker(name))}, 'escaped'), () => {});\n` +
    "export default model('M', [4], [dense(2)]);\n";
  assert.equal(await attempt('import', body('import')),
    "import.cnn.ts:3:1: import of 'node:fs' is not allowed in a model file: only 'cnn-explorer' and relative .ts files can be imported");
});

test('a stack formatter, an inspection hook or an unhandled rejection hands model code nothing', async () => {
  const formatter = await attempt('stack-formatter',
    `Object.defineProperty(Error, 'prepareStackTrace', { value: (e: any, frames: any) => frames.constructor.constructor('return process')() });\n` +
    escapeWith('stack-formatter', 'new Error().stack'));
  assert.equal(formatter, 'stack-formatter.cnn.ts:2:8: TypeError: Cannot redefine property: prepareStackTrace');
  const hook = write('inspect-hook', `Promise.reject({ [Symbol.for('nodejs.util.inspect.custom')]: (_d: any, _o: any, inspect: any) =>\n` +
    `  inspect.constructor('return process')().getBuiltinModule('fs').writeFileSync(${JSON.stringify(marker('inspect-hook'))}, 'escaped') });\n` +
    "export default model('M', [4], [dense(2)]);\n");
  assert.equal(selectModel(await loadModelFile(hook)).model.name, 'M');
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!fs.existsSync(marker('inspect-hook')));
});

test('changes to the DSL and to built-in prototypes do not reach the next evaluation', async () => {
  const polluter = write('polluter', [
    "(Object.prototype as any).polluted = 'yes';",
    "(Array.prototype as any).map = () => { throw new Error('polluted map'); };",
    "(conv2d as any).extra = 'yes';",
    "Object.defineProperty(conv2d, 'length', { value: 99 });",
    "Object.getPrototypeOf(conv2d).call = () => 'polluted call';",
    "(globalThis as any).__cnnExplorerDsl.conv2d = () => 'replaced';",
    "export default model('P', [4], [dense(2)]);",
  ].join('\n') + '\n');
  await loadModelFile(polluter).catch(() => {});
  const clean = write('clean', [
    "const seen = [({} as any).polluted, (conv2d as any).extra, conv2d.length, typeof [1].map((x) => x)].join(',');",
    "export default model(seen, [8, 8, 1], [conv2d(4, 3), relu(), flatten(), dense(10)]);",
  ].join('\n') + '\n');
  const m = selectModel(await loadModelFile(clean)).model;
  assert.equal(m.name, ',,3,object');
  assert.deepEqual(m.nodes.map((n) => n.path), ['conv2d_1', 'relu_1', 'flatten_1', 'dense_1']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'the host is untouched');
});

test('memory outside the heap is not offered; a memory bomb ends in a located error', async () => {
  assert.equal(await attempt('array-buffer', 'const big = new ArrayBuffer(10 * 2 ** 30);\nexport default big;\n'),
    'array-buffer.cnn.ts:2:13: ReferenceError: ArrayBuffer is not defined');
  assert.equal(await attempt('typed-array', 'const big = new Float64Array(10 * 2 ** 30 / 8).fill(1);\nexport default big;\n'),
    'typed-array.cnn.ts:2:13: ReferenceError: Float64Array is not defined');
  const oom = `evaluating the model file ran out of memory (limit ${MEMORY_LIMIT_MB} MB) and was stopped`;
  assert.equal(await attempt('array-10gb', 'const big = new Array(10 * 2 ** 30 / 8).fill(1.5);\nexport default big;\n', 30_000),
    `array-10gb.cnn.ts:1:1: ${oom}`);
  assert.equal(await attempt('grow', 'const all: unknown[] = [];\nfor (;;) all.push({ n: all.length });\n', 30_000),
    `grow.cnn.ts:1:1: ${oom}`);
  // The process that ran out of memory is replaced; a model that uses much memory but fits
  // evaluates, and so does the next one.
  const after = write('after-oom', "export default model('After', [4], [dense(2)]);\n");
  assert.equal(selectModel(await loadModelFile(after)).model.name, 'After');
  const large = write('large', "const kept: unknown[] = [];\nfor (let i = 0; i < 3e6; i++) kept.push({ i });\nexport default model(String(kept.length), [4], [dense(2)]);\n");
  const [first, second] = await Promise.all([loadModelFile(large, { timeoutMs: 30_000 }), loadModelFile(after)]);
  assert.equal(selectModel(first).model.name, '3000000');
  assert.equal(selectModel(second).model.name, 'After');
});

test('endless loops end at the time limit wherever they are', async () => {
  const tooLong = (name: string) => `${name}.cnn.ts:1:1: evaluating the model file took longer than 0.5 s and was stopped (an endless loop?)`;
  const loops: Array<[string, string]> = [
    ['loop', 'while (true) {}\n'],
    ['microtasks', 'Promise.resolve().then(function again(): Promise<void> { return Promise.resolve().then(again); });\nexport default 1;\n'],
    ['export-getter', "export const training = { get epochs() { for (;;) {} } };\nexport default model('M', [4], [dense(2)]);\n"],
    ['throw-getter', 'throw { get message() { for (;;) {} } };\n'],
  ];
  // The caller's thread goes on meanwhile: the loops run in the evaluation process.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  try {
    for (const [name, body] of loops) assert.equal(await attempt(name, body, 500), tooLong(name), name);
  } finally {
    clearInterval(ticker);
  }
  assert.ok(ticks >= 40, `the caller's timers fired ${ticks} times during 2 s of endless loops`);
});

test('console output comes back as lines once the evaluation has ended', async () => {
  const file = write('console', "console.log('hello', 42, [1, 2]);\nconsole.error({ toString: () => 'custom' });\nexport default model('C', [4], [dense(2)]);\n");
  const lines: string[] = [];
  await loadModelFile(file, { log: (l) => lines.push(l) });
  assert.deepEqual(lines, ['hello 42 1,2', 'custom']);
});
