import * as path from 'node:path';
import ts from 'typescript';

// Generates the one declaration file that describes the module `cnn-explorer` (src/dsl/index.ts)
// to the TypeScript language service, JSDoc included. tsc emits one .d.ts per source file;
// this joins the ones the entry reaches into a single module, so that the TS server plugin can
// resolve `cnn-explorer` to one file with no relative imports to follow.

/** Emits the per-file declarations of the program rooted at `entry`, in memory. */
function emitDeclarations(entry: string): Map<string, string> {
  const options: ts.CompilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    strict: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
    lib: ['lib.es2023.d.ts'],
  };
  const program = ts.createProgram([entry], options);
  const out = new Map<string, string>();
  const result = program.emit(undefined, (fileName, text) => out.set(path.resolve(fileName), text));
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics]
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(`cannot emit the DSL's declarations:\n${ts.formatDiagnostics(errors, {
      getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n',
    })}`);
  }
  return out;
}

function declarationPath(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) throw new Error(`the DSL's declarations import '${specifier}' (only relative imports can be bundled)`);
  return path.resolve(path.dirname(from), `${specifier}.d.ts`);
}

function moduleSpecifier(stmt: ts.ImportDeclaration | ts.ExportDeclaration): string | undefined {
  const spec = stmt.moduleSpecifier;
  return spec && ts.isStringLiteral(spec) ? spec.text : undefined;
}

/** Names a declaration statement introduces at the top level. */
function declaredNames(stmt: ts.Statement): string[] {
  if (ts.isVariableStatement(stmt)) {
    return stmt.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  const named = stmt as ts.Statement & { name?: ts.Node };
  return named.name && ts.isIdentifier(named.name) ? [named.name.text] : [];
}

function isExported(stmt: ts.Statement): boolean {
  return ts.canHaveModifiers(stmt) && (ts.getModifiers(stmt) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The statement's text with its JSDoc and without its `export` keyword. */
function withoutExport(sf: ts.SourceFile, stmt: ts.Statement): string {
  const start = stmt.getStart(sf, true);
  const exportKeyword = ts.canHaveModifiers(stmt)
    ? ts.getModifiers(stmt)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword) : undefined;
  if (!exportKeyword) return sf.text.slice(start, stmt.end);
  const kwStart = exportKeyword.getStart(sf);
  return sf.text.slice(start, kwStart) + sf.text.slice(exportKeyword.end, stmt.end).trimStart();
}

interface ParsedFile {
  sf: ts.SourceFile;
  /** Declarations with `export` removed, in file order. */
  body: string[];
  /** Names this file exports through `export` modifiers. */
  exported: string[];
  /** Files it imports from or re-exports. */
  deps: string[];
}

function parse(file: string, text: string): ParsedFile {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const parsed: ParsedFile = { sf, body: [], exported: [], deps: [] };
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt)) {
      const spec = moduleSpecifier(stmt);
      if (spec !== undefined) parsed.deps.push(declarationPath(file, spec));
      continue; // imports vanish in one module; re-exports are read from the entry only
    }
    if (ts.isExportAssignment(stmt)) throw new Error(`${file}: export = / export default cannot be bundled`);
    parsed.body.push(withoutExport(sf, stmt));
    if (isExported(stmt)) parsed.exported.push(...declaredNames(stmt));
  }
  return parsed;
}

/** `name` or `name as alias` for every name the entry re-exports, values and types apart. */
function publicExports(entry: ParsedFile, files: Map<string, ParsedFile>): { values: string[]; types: string[] } {
  const out = { values: [] as string[], types: [] as string[] };
  for (const stmt of entry.sf.statements) {
    if (!ts.isExportDeclaration(stmt)) continue;
    const spec = moduleSpecifier(stmt);
    if (spec === undefined) continue;
    const source = files.get(declarationPath(entry.sf.fileName, spec))!;
    const into = stmt.isTypeOnly ? out.types : out.values;
    if (!stmt.exportClause) into.push(...source.exported); // export * / export type *
    else if (ts.isNamedExports(stmt.exportClause)) {
      for (const el of stmt.exportClause.elements) {
        const name = el.propertyName ? `${el.propertyName.text} as ${el.name.text}` : el.name.text;
        (el.isTypeOnly ? out.types : into).push(name);
      }
    } else throw new Error(`${entry.sf.fileName}: export * as ns cannot be bundled`);
  }
  return out;
}

/** The declaration text of the module `cnn-explorer`, from the DSL entry (src/dsl/index.ts). */
export function buildDslDeclarations(entry: string): string {
  const emitted = emitDeclarations(path.resolve(entry));
  const entryDts = path.resolve(entry).replace(/\.ts$/, '.d.ts');
  const files = new Map<string, ParsedFile>();
  const order: string[] = [];
  const visit = (file: string): void => {
    if (files.has(file)) return;
    const text = emitted.get(file);
    if (text === undefined) throw new Error(`no declarations emitted for ${file}`);
    const parsed = parse(file, text);
    files.set(file, parsed);
    parsed.deps.forEach(visit);
    order.push(file); // dependencies first: reads top-down
  };
  visit(entryDts);

  // One module means one scope: two files declaring the same name would silently merge.
  const owner = new Map<string, string>();
  for (const file of order) {
    for (const stmt of files.get(file)!.sf.statements) {
      for (const name of declaredNames(stmt)) {
        const other = owner.get(name);
        if (other && other !== file) throw new Error(`'${name}' is declared in both ${other} and ${file}`);
        owner.set(name, file);
      }
    }
  }

  const exports = publicExports(files.get(entryDts)!, files);
  const sections = order
    .filter((f) => files.get(f)!.body.length > 0)
    .map((f) => `// ${path.basename(f, '.d.ts')}\n${files.get(f)!.body.join('\n')}`);
  return [
    '// The module `cnn-explorer`: the functions a *.cnn.ts model file imports.',
    '// Generated from src/dsl by CNN Explorer\'s build; do not edit.',
    '',
    ...sections,
    '',
    `export { ${exports.values.join(', ')} };`,
    `export type { ${exports.types.join(', ')} };`,
    '',
  ].join('\n');
}
