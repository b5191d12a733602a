import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { COMPRESSED_MANIFEST, type CompressedManifest } from '../src/engine/runtimeFiles';

// What each package holds, and filling its staging folder with exactly that. The bundles hold all
// the JavaScript (esbuild.mjs); a package adds only the files that run outside them:
//   dist/*.js, dist/webview/*     the bundles
//   dist/*.wasm, dist/tfjs-…js    the wasm backend's binaries and threaded build (beside the bundles)
//   node_modules/esbuild          esbuild's API and this platform's binary (it bundles model files)
//   node_modules/webgpu           Dawn, WebGPU's native library, for this platform
// The native binaries go in brotli-compressed, inflated on first use (src/engine/runtimeFiles.ts).
// MNIST is not in the package: the loader downloads it on first use (docs/downloads.md).
//   node_modules/cnn-explorer-ts-plugin   the TS server plugin (tsserver looks only there)
//   python/cnn_explorer_torch     the torch engine's trainer, run by the user's Python
// The packages found by name keep their node_modules place so that the code finding them is the
// same in a clone and in a package; each gets a package.json with only what Node reads.

export const ROOT = path.resolve(__dirname, '..');
/** Downloads and conversions kept between runs (each written whole, then renamed into place). */
const WORK = path.join(ROOT, '.cache', 'package');
/** This run's build and staging folders: packaging runs side by side (a test, an e2e suite) share nothing else. */
const RUN = path.join(WORK, `run-${process.pid}`);
/** The production bundles every package is made from (never dist/, which a running test may use). */
export const BUILD_DIR = path.join(RUN, 'dist');

export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'] as const;
export type Target = (typeof TARGETS)[number];

export const vsixPath = (target: Target): string => path.join(ROOT, 'dist', `cnn-explorer-${target}.vsix`);
export const stageDir = (name: string): string => path.join(RUN, 'stage', name);

/** Removes this run's build and staging folders (the packages are in dist/ by then). */
export function removeRunFolders(): void {
  fs.rmSync(RUN, { recursive: true, force: true });
}

/** Moves a file made in this run's folder into dist/ in one step, so no one sees half of it. */
function publish(file: string): string {
  const dest = path.join(ROOT, 'dist', path.basename(file));
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.renameSync(file, dest);
  return dest;
}

export type Log = (line: string) => void;

function run(cmd: string, args: string[], cwd: string, log: Log): string {
  log(`$ ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The production bundles, the wasm files and the TS plugin, into BUILD_DIR. */
export function buildBundles(log: Log): void {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  run(process.execPath, ['esbuild.mjs', '--production', '--outdir', BUILD_DIR], ROOT, log);
}

function copy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Every file in `dir` (not recursive) whose name matches. */
const filesIn = (dir: string, match: RegExp): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => match.test(f) && fs.statSync(path.join(dir, f)).isFile()).sort() : [];

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const packageVersion = (name: string): string => readJson<Manifest>(path.join(ROOT, 'node_modules', name, 'package.json')).version;

/** The user-facing files: manifest translations, README and what it links to, icons, screenshots, walkthrough pages. */
function copyDocuments(stage: string): void {
  for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', ...filesIn(ROOT, /^package\.nls(\.[\w-]+)?\.json$/)]) {
    copy(path.join(ROOT, f), path.join(stage, f));
  }
  for (const f of filesIn(path.join(ROOT, 'l10n'), /^bundle\.l10n\.[\w-]+\.json$/)) copy(path.join(ROOT, 'l10n', f), path.join(stage, 'l10n', f));
  for (const f of filesIn(path.join(ROOT, 'media'), /\.(svg|png|css)$/)) copy(path.join(ROOT, 'media', f), path.join(stage, 'media', f));
  for (const f of filesIn(path.join(ROOT, 'media', 'screenshots'), /\.png$/)) {
    copy(path.join(ROOT, 'media', 'screenshots', f), path.join(stage, 'media', 'screenshots', f));
  }
  // The Get Started walkthrough's step pages (contributes.walkthroughs' media).
  for (const f of filesIn(path.join(ROOT, 'media', 'walkthrough'), /\.md$/)) {
    copy(path.join(ROOT, 'media', 'walkthrough', f), path.join(stage, 'media', 'walkthrough', f));
  }
  for (const f of filesIn(path.join(ROOT, 'docs'), /\.md$/)) copy(path.join(ROOT, 'docs', f), path.join(stage, 'docs', f));
  copy(path.join(ROOT, 'bench', 'README.md'), path.join(stage, 'bench', 'README.md'));
}

/**
 * The two bundles that each hold tfjs, which the extension's package ships brotli-compressed:
 * NAME.js is then a stub that inflates NAME.js.br and runs it as itself (same __filename, so the
 * files it finds beside itself are the same).
 */
const COMPRESSED_BUNDLES = ['cli.js', 'trainer.js'];
const BUNDLE_STUB = `'use strict';
// The bundle is brotli-compressed beside this file (scripts/packageLayout.ts): run it as this module.
module._compile(require('node:zlib').brotliDecompressSync(require('node:fs').readFileSync(__filename + '.br')).toString('utf8'), __filename);
`;

/** The bundles and the wasm backend's files (`extension`: the extension's own bundle and panels too, and the big bundles compressed). */
function copyBundles(stage: string, extension: boolean, log: Log): void {
  for (const f of filesIn(BUILD_DIR, /\.(js|wasm)$/)) {
    if (!extension && f === 'extension.js') continue;
    if (extension && COMPRESSED_BUNDLES.includes(f)) {
      const bytes = fs.readFileSync(path.join(BUILD_DIR, f));
      copy(brotliCached(bytes, sha256(bytes), log, f), path.join(stage, 'dist', `${f}.br`));
      fs.writeFileSync(path.join(stage, 'dist', f), BUNDLE_STUB);
      continue;
    }
    copy(path.join(BUILD_DIR, f), path.join(stage, 'dist', f));
  }
  if (extension) {
    for (const f of filesIn(path.join(BUILD_DIR, 'webview'), /\.(js|css)$/)) copy(path.join(BUILD_DIR, 'webview', f), path.join(stage, 'dist', 'webview', f));
  }
  const py = path.join(ROOT, 'python', 'cnn_explorer_torch');
  for (const f of filesIn(py, /\.py$/)) copy(path.join(py, f), path.join(stage, 'python', 'cnn_explorer_torch', f));
}

/** The platform's esbuild binary package, from node_modules when it is this machine's, else from the npm registry (kept in .cache). */
function esbuildPlatformPackage(target: Target, log: Log): string {
  const name = `@esbuild/${target}`;
  const installed = path.join(ROOT, 'node_modules', name);
  if (fs.existsSync(path.join(installed, 'package.json'))) return installed;
  const version = packageVersion('esbuild');
  const dir = path.join(WORK, 'esbuild', `${target}-${version}`);
  if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  const downloads = path.join(RUN, 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  const tgz = run('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', downloads], ROOT, log).trim().split('\n').pop()!;
  const unpacked = path.join(downloads, target);
  fs.mkdirSync(unpacked, { recursive: true });
  run('tar', ['xzf', path.join(downloads, tgz), '-C', unpacked, '--strip-components=1'], ROOT, log);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(unpacked, dir);
  return dir;
}

/** The brotli-compressed `bytes` (largest window; quality 9 packs well in seconds), kept in .cache by their digest. */
function brotliCached(bytes: Buffer, digest: string, log: Log, what: string): string {
  const cached = path.join(WORK, 'brotli', `${digest}-q9.br`);
  if (!fs.existsSync(cached)) {
    log(`brotli ${what}`);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(`${cached}.${process.pid}`, zlib.brotliCompressSync(bytes, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_LGWIN]: 24, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    } }));
    fs.renameSync(`${cached}.${process.pid}`, cached);
  }
  return cached;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A package folder whose binaries are written as NAME.br, with compressed.json recording each
 * inflated file's SHA-256 (what src/engine/runtimeFiles.ts checks). Compressed bytes are kept in
 * .cache by that digest: packaging again compresses nothing it has compressed before.
 */
class Compressed {
  private readonly manifest: CompressedManifest = { files: {} };
  constructor(readonly dir: string) {}

  add(name: string, bytes: Buffer, log: Log): void {
    const digest = sha256(bytes);
    copy(brotliCached(bytes, digest, log, `${path.basename(this.dir)}/${name}`), path.join(this.dir, `${name}.br`));
    this.manifest.files[name] = digest;
  }

  writeManifest(): void {
    writeJson(path.join(this.dir, COMPRESSED_MANIFEST), this.manifest);
  }
}

const CPU_TYPE = { x64: 0x01000007, arm64: 0x0100000c } as const;

/** One architecture's slice of a Mach-O universal binary: a complete Mach-O file of its own (what `lipo -thin` writes). */
export function thinUniversal(binary: Buffer, arch: keyof typeof CPU_TYPE): Buffer {
  const magic = binary.readUInt32BE(0);
  if (magic !== 0xcafebabe) throw new Error('not a Mach-O universal binary (32-bit fat header)');
  const count = binary.readUInt32BE(4);
  for (let i = 0; i < count; i++) {
    const at = 8 + i * 20;
    if (binary.readInt32BE(at) !== CPU_TYPE[arch]) continue;
    const offset = binary.readUInt32BE(at + 8), size = binary.readUInt32BE(at + 12);
    return binary.subarray(offset, offset + size);
  }
  throw new Error(`the universal binary has no ${arch} slice`);
}

/**
 * Dawn for the target, where the webgpu package's index.js looks: dist/<platform>-<arch>/, and
 * dist/darwin-universal/ on macOS (there it holds only the target's slice). Windows needs the
 * D3D shader compilers beside it. The binaries go in brotli-compressed (see `Compressed`).
 */
function copyDawn(stage: string, target: Target, log: Log): void {
  const from = path.join(ROOT, 'node_modules', 'webgpu');
  const to = new Compressed(path.join(stage, 'node_modules', 'webgpu'));
  const [platform, arch] = target.split('-') as [string, 'x64' | 'arm64'];
  if (platform === 'darwin') {
    const universal = fs.readFileSync(path.join(from, 'dist', 'darwin-universal', 'dawn.node'));
    to.add('dist/darwin-universal/dawn.node', thinUniversal(universal, arch), log);
  } else {
    for (const f of filesIn(path.join(from, 'dist', target), /\.(node|dll)$/)) to.add(`dist/${target}/${f}`, fs.readFileSync(path.join(from, 'dist', target, f)), log);
    for (const f of filesIn(path.join(from, 'dist', target), /\.(txt|TXT)$/)) copy(path.join(from, 'dist', target, f), path.join(to.dir, 'dist', target, f));
  }
  to.writeManifest();
  copy(path.join(from, 'index.js'), path.join(to.dir, 'index.js'));
  copy(path.join(from, 'LICENSE.md'), path.join(to.dir, 'LICENSE.md'));
  writeJson(path.join(to.dir, 'package.json'), { name: 'webgpu', version: packageVersion('webgpu'), type: 'module', main: 'index.js', license: 'MIT' });
}

/** esbuild's API and the target's binary (compressed), laid out as esbuild's loader expects. */
function copyEsbuild(stage: string, target: Target, log: Log): void {
  const version = packageVersion('esbuild');
  const api = path.join(stage, 'node_modules', 'esbuild');
  copy(path.join(ROOT, 'node_modules', 'esbuild', 'lib', 'main.js'), path.join(api, 'lib', 'main.js'));
  copy(path.join(ROOT, 'node_modules', 'esbuild', 'LICENSE.md'), path.join(api, 'LICENSE.md'));
  writeJson(path.join(api, 'package.json'), { name: 'esbuild', version, main: 'lib/main.js', license: 'MIT' });
  const binary = target.startsWith('win32') ? 'esbuild.exe' : 'bin/esbuild';
  const to = new Compressed(path.join(stage, 'node_modules', '@esbuild', target));
  to.add(binary, fs.readFileSync(path.join(esbuildPlatformPackage(target, log), binary)), log);
  to.writeManifest();
  writeJson(path.join(to.dir, 'package.json'), { name: `@esbuild/${target}`, version, license: 'MIT' });
}

/** The extension's manifest for the package: the repository's, with only the packages staged beside it. */
function vsixManifest(target: Target): Manifest {
  const { scripts: _s, devDependencies: _d, files: _f, bin: _b, dependencies: _deps, ...manifest } = readJson<Manifest>(path.join(ROOT, 'package.json'));
  const version = packageVersion('esbuild');
  return {
    ...manifest,
    dependencies: {
      esbuild: version,
      [`@esbuild/${target}`]: version,
      webgpu: packageVersion('webgpu'),
      'cnn-explorer-ts-plugin': '0.0.0',
    },
  };
}

/** Fills the target's staging folder with the extension package's files; returns the folder. */
export function stageVsix(target: Target, log: Log): string {
  const stage = stageDir(target);
  fs.rmSync(stage, { recursive: true, force: true });
  writeJson(path.join(stage, 'package.json'), vsixManifest(target));
  copy(path.join(ROOT, '.vscodeignore'), path.join(stage, '.vscodeignore'));
  copyDocuments(stage);
  copyBundles(stage, true, log);
  const plugin = path.join(BUILD_DIR, 'cnn-explorer-ts-plugin');
  for (const f of filesIn(plugin, /./)) copy(path.join(plugin, f), path.join(stage, 'node_modules', 'cnn-explorer-ts-plugin', f));
  copyEsbuild(stage, target, log);
  copyDawn(stage, target, log);
  return stage;
}

/** Packs the staged target with vsce into dist/cnn-explorer-<target>.vsix. */
export function packVsix(target: Target, log: Log): string {
  const out = path.join(RUN, path.basename(vsixPath(target)));
  run(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--target', target,
    '--no-rewrite-relative-links', '--out', out], stageDir(target), log);
  return publish(out);
}

/**
 * The CLI's npm package, staged with the repository's package.json (its `files` choose what goes
 * in) less what only a clone uses: its scripts (`prepare` builds from sources an installed package
 * does not have) and its devDependencies.
 */
export function stageNpm(): string {
  const stage = stageDir('npm');
  fs.rmSync(stage, { recursive: true, force: true });
  const { scripts: _s, devDependencies: _d, ...manifest } = readJson<Manifest>(path.join(ROOT, 'package.json'));
  writeJson(path.join(stage, 'package.json'), manifest);
  for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md']) copy(path.join(ROOT, f), path.join(stage, f));
  copy(path.join(ROOT, 'bin', 'cnn-explorer.js'), path.join(stage, 'bin', 'cnn-explorer.js'));
  copyBundles(stage, false, () => {});
  return stage;
}

export interface NpmPacked {
  file: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** `npm pack` of the staged CLI into dist/; returns the tarball and its listing. */
export function packNpm(log: Log): NpmPacked {
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', RUN], stageDir('npm'), log);
  const [packed] = JSON.parse(out) as { filename: string; size: number; unpackedSize: number; files: { path: string; size: number }[] }[];
  const file = publish(path.join(RUN, packed!.filename));
  return { file, size: packed!.size, unpackedSize: packed!.unpackedSize, files: packed!.files };
}
