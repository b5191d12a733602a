import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { buildDslDeclarations } from '../../../../src/extension/typings/declarations';
import * as dsl from '../../../../src/dsl/index';

// The bundled declarations of `cnn-explorer` against the real examples: what a user sees as
// type errors in VS Code comes from exactly this file.

const dir = mkdtempSync(path.join(tmpdir(), 'cnn-dts-'));
const dts = path.join(dir, 'cnn-explorer.d.ts');

function typeCheck(files: string[]): { program: ts.Program; errors: string[] } {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
    paths: { 'cnn-explorer': [dts] },
  });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const name = d.file ? path.basename(d.file.fileName) : '';
    return `${name}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  return { program, errors };
}

function writeModel(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

// One program for every case (creating one costs seconds): the examples and three small files.
const BAD = [
  "import { model, conv2d, maxPool2d } from 'cnn-explorer';",
  "export default model('Bad', [28, 28, 1], [",
  "  conv2d('6', 5),",
  '  maxPool2d(2, { strides: 2 }),',
  ']);',
].join('\n');
const TYPES = [
  "import { model, conv2d, relu, type Layer, type LayerList, type Training } from 'cnn-explorer';",
  'const stem: Layer = conv2d(8, 3);',
  'const body: LayerList = [stem, relu()];',
  "export default model('T', [8, 8, 1], body);",
  "export const training: Training = { dataset: 'mnist', optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } };",
].join('\n');
const DOCS = "import * as dsl from 'cnn-explorer';\nexport const d = dsl;\n";

describe('bundled declarations of cnn-explorer', () => {
  const examples = readdirSync('examples').filter((f) => f.endsWith('.cnn.ts')).map((f) => path.resolve('examples', f));
  let checked: { program: ts.Program; errors: string[] };
  before(() => {
    writeFileSync(dts, buildDslDeclarations('src/dsl/index.ts'));
    checked = typeCheck([...examples, writeModel('bad.cnn.ts', BAD), writeModel('types.cnn.ts', TYPES), writeModel('docs.cnn.ts', DOCS)]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('type-checks every example (and its helper modules) with no error', () => {
    assert.ok(examples.length > 0, 'examples/*.cnn.ts exist');
    assert.deepEqual(checked.errors.filter((e) => !e.startsWith('bad.cnn.ts:')), []);
  });

  it('rejects a wrong argument type and an unknown option', () => {
    const errors = checked.errors.filter((e) => e.startsWith('bad.cnn.ts:'));
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.match(errors[0]!, /^bad\.cnn\.ts:3: Argument of type 'string' is not assignable to parameter of type 'number'/);
    assert.match(errors[1]!, /^bad\.cnn\.ts:4: .*'strides' does not exist in type 'Pool2dOptions'/);
  });

  it('accepts the type-only exports (Training, Layer, LayerList)', () => {
    assert.ok(checked.program.getSourceFile(path.join(dir, 'types.cnn.ts')));
    assert.deepEqual(checked.errors.filter((e) => e.startsWith('types.cnn.ts:')), []);
  });

  it('documents every exported function and every option', () => {
    const { program } = checked;
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(dts)!)!;
    const undocumented: string[] = [];
    let functions = 0;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (symbol.flags & ts.SymbolFlags.Function) {
        functions++;
        if (symbol.getDocumentationComment(checker).length === 0) undocumented.push(exported.name);
      }
      if (exported.name.endsWith('Options')) {
        const type = checker.getDeclaredTypeOfSymbol(symbol);
        for (const prop of type.getProperties()) {
          if (prop.getDocumentationComment(checker).length === 0) undocumented.push(`${exported.name}.${prop.name}`);
        }
      }
    }
    // Every function the DSL exports (model, the layers, block, parallel, residual, repeat) is declared.
    assert.equal(functions, Object.values(dsl).filter((v) => typeof v === 'function').length);
    assert.deepEqual(undocumented, []);
  });
});
