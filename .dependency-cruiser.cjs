// Which room may import which (docs/architecture.md), checked by `npm run lint:deps` from
// `npm test`. A cycle or a forbidden import fails the test run with the two files named.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and rooms inseparable: break the cycle by moving the shared piece down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-dsl-and-analysis',
      severity: 'error',
      comment: 'The DSL, the analysis and the interop naming (PyTorch names, export) are pure functions (they also run in webviews and in the model sandbox): no Node, no VS Code, no tfjs.',
      from: { path: '^src/(dsl|analysis|interop)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-dsl-and-analysis-packages',
      severity: 'error',
      comment: 'The DSL, the analysis and interop are pure functions: no VS Code, no tfjs, no other room but each other and src/shared.',
      from: { path: '^src/(dsl|analysis|interop)/' },
      to: { pathNot: '^src/(dsl|analysis|interop|shared)/' },
    },
    {
      name: 'shared-below-everything',
      comment: 'src/shared holds the contracts (webview messages, the trainer protocol, backend names) and notations everyone reads: it may lean on the pure rooms and the run records only, never on the engine, the loader, the CLI or the extension.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/(shared|dsl|analysis|runs)/' },
    },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment: 'src/shared holds notations and message contracts read by the host, the CLI and the webviews alike.',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev'] },
    },
    {
      name: 'runs-below-engine',
      severity: 'error',
      comment: 'Run records and the run folder are read by the CLI, the extension and the trainer; the engine writes them, so runs/ must not import the engine.',
      from: { path: '^src/runs/' },
      to: { path: '^src/(engine|extension|cli)/' },
    },
    {
      name: 'no-vscode-outside-extension',
      severity: 'error',
      comment: 'Only the extension host code talks to VS Code; the CLI, the trainer and the webviews run without it.',
      from: { pathNot: '^(src/extension|test)/' },
      to: { path: '^vscode$', dependencyTypes: ['core', 'npm', 'unknown', 'undetermined', 'npm-no-pkg'] },
    },
    {
      name: 'webviews-stay-in-the-browser',
      severity: 'error',
      comment: 'Webview code runs in a browser: it may use the pure rooms (dsl types, analysis, shared, runs types) but nothing of the host.',
      from: { path: '^webview/' },
      to: { path: '^src/(engine|extension|cli|loader)/' },
    },
    {
      name: 'no-tests-from-source',
      severity: 'error',
      from: { path: '^(src|webview)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: ['^(dist|node_modules)/', /^esbuild[.]mjs$/.source] },
  },
};
