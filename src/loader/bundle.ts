import type * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocatedError } from '../dsl/errors';
import { loadEsbuild } from '../engine/runtimeFiles';
import { DSL_GLOBAL, EXPORTS_GLOBAL } from './realmApi';

// Model files are TypeScript with imports: esbuild resolves and transpiles them into one script.
// Only `cnn-explorer` and relative TypeScript files may be imported; everything else (node:fs,
// packages, process tricks through require) is refused here, before any code runs.

export interface Bundle {
  code: string;
  sourceMap: string;
}

export interface BundleOptions {
  /** Unsaved editor text for the entry file, in place of what is on disk. */
  text?: string;
  /** Names the DSL exports, to build the `cnn-explorer` module from. */
  dslExports: readonly string[];
}

const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

function resolveRelative(spec: string, importer: string): string | null {
  const base = path.resolve(path.dirname(importer), spec);
  const candidates = TS_EXTENSIONS.some((e) => base.endsWith(e))
    ? [base]
    : [...TS_EXTENSIONS.map((e) => base + e), ...TS_EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  // TypeScript's own convention: `./helpers.js` names `./helpers.ts`.
  if (/\.(m|c)?js$/.test(base)) candidates.push(base.replace(/\.(m|c)?js$/, '.$1ts'));
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

function sandboxPlugin(entry: string, opts: BundleOptions): esbuild.Plugin {
  return {
    name: 'cnn-explorer-sandbox',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return { path: entry };
        if (args.path === 'cnn-explorer') return { path: 'cnn-explorer', namespace: 'cnn-explorer' };
        if (args.path.startsWith('./') || args.path.startsWith('../')) {
          const resolved = resolveRelative(args.path, args.importer);
          if (resolved) return { path: resolved };
          return { errors: [{ text: `cannot find '${args.path}' (model files may import relative .ts files)` }] };
        }
        return {
          errors: [{
            text: `import of '${args.path}' is not allowed in a model file: only 'cnn-explorer' and relative .ts files can be imported`,
          }],
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'cnn-explorer' }, () => ({
        contents: `const d = globalThis.${DSL_GLOBAL};\n` +
          opts.dslExports.map((n) => `export const ${n} = d.${n};`).join('\n'),
        loader: 'js',
      }));
      if (opts.text !== undefined) {
        build.onLoad({ filter: /.*/ }, (args) => (args.path === entry ? { contents: opts.text, loader: 'ts' } : undefined));
      }
    },
  };
}

export async function bundleModelFile(file: string, opts: BundleOptions): Promise<Bundle> {
  const entry = path.resolve(file);
  if (opts.text === undefined && !fs.existsSync(entry)) throw new LocatedError(`${file}: no such file`);
  let result: esbuild.BuildResult<{ write: false; sourcemap: 'external' }>;
  try {
    result = await loadEsbuild().build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: EXPORTS_GLOBAL,
      platform: 'neutral',
      target: 'es2022',
      sourcemap: 'external',
      sourcesContent: true,
      outfile: path.join(path.dirname(entry), '__cnn_model_bundle.js'),
      logLevel: 'silent',
      plugins: [sandboxPlugin(entry, opts)],
      // Type-only imports must not be kept as runtime imports of 'cnn-explorer'.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: false, preserveValueImports: false } },
    }) as esbuild.BuildResult<{ write: false; sourcemap: 'external' }>;
  } catch (err) {
    const failure = err as esbuild.BuildFailure;
    const first = failure.errors?.[0];
    if (!first) throw err;
    const loc = first.location;
    throw new LocatedError(first.text, loc ? {
      file: path.resolve(loc.file === entry || path.isAbsolute(loc.file) ? loc.file : path.join(process.cwd(), loc.file)),
      line: loc.line,
      column: loc.column + 1,
      endLine: loc.line,
      endColumn: loc.column + 1 + Math.max(loc.length, 1),
    } : { file: entry, line: 1, column: 1, endLine: 1, endColumn: 1 });
  }
  const files = result.outputFiles!;
  const code = files.find((f) => f.path.endsWith('.js'))!.text;
  const sourceMap = files.find((f) => f.path.endsWith('.map'))!.text;
  return { code, sourceMap };
}
