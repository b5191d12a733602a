import * as path from 'node:path';
import type * as ts from 'typescript';
import { DECLARATIONS_FILE, DSL_MODULE } from './names';

// A TypeScript server plugin that makes `import … from 'cnn-explorer'` resolve to the DSL's
// bundled declarations when nothing else does, so that VS Code's built-in TypeScript gives a
// *.cnn.ts file completion, signature help and type errors in a folder with no npm install and
// no tsconfig. A real `cnn-explorer` package in the user's node_modules still wins.
// It uses only the `typescript` instance tsserver hands it (never its own copy).

type ResolveLiterals = NonNullable<ts.LanguageServiceHost['resolveModuleNameLiterals']>;

function init(_modules: { typescript: typeof ts }): ts.server.PluginModule {
  const declarations = path.join(__dirname, DECLARATIONS_FILE);
  const resolved: ts.ResolvedModuleWithFailedLookupLocations = {
    resolvedModule: { resolvedFileName: declarations, extension: '.d.ts', isExternalLibraryImport: true },
  };

  return {
    create(info) {
      const host = info.languageServiceHost;
      const original = host.resolveModuleNameLiterals;
      // Older TypeScript (before 5.0) has no resolveModuleNameLiterals; leave it alone.
      if (!original) return info.languageService;
      const patched: ResolveLiterals = (literals, ...rest) => {
        const results = original.call(host, literals, ...rest);
        return results.map((r, i) => (!r.resolvedModule && literals[i]?.text === DSL_MODULE ? resolved : r));
      };
      host.resolveModuleNameLiterals = patched;
      info.project.projectService.logger.info(`${DSL_MODULE}: resolving '${DSL_MODULE}' to ${declarations} when unresolved`);
      return info.languageService;
    },
  };
}

// tsserver requires the package and calls its export (CommonJS: `export =` compiles to `module.exports = init`).
export = init;
