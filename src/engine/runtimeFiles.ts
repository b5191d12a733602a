// Where the native files that run outside the bundles are found: Dawn (the webgpu package) and
// esbuild's binary. A clone and the CLI's npm install hold them as they are. The extension's
// packages ship them brotli-compressed (scripts/packageLayout.ts): such a package folder holds
// NAME.br for each and a compressed.json with each inflated file's SHA-256. The first use copies
// the package folder into the cache (CACHE/runtime/<package>-<digest>/), each .br inflated and
// checked against its recorded SHA-256, built in a .part folder and renamed into place whole,
// so a process never sees half of it and the next ones reuse it.
import type * as Esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { defaultCacheDir } from './data/cacheDir';
import { packageDir } from './data/packages';

/** The file in a package folder that lists its compressed files (written by scripts/packageLayout.ts). */
export const COMPRESSED_MANIFEST = 'compressed.json';

/** compressed.json: each compressed file's path in the package (without .br) → the SHA-256 of its inflated bytes. */
export interface CompressedManifest {
  files: Record<string, string>;
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** Where inflated packages are kept. */
const runtimeDir = (): string => path.join(defaultCacheDir(), 'runtime');

/** `from` into `to`, inflating the files the manifest lists; throws one line naming the file and what is wrong. */
function inflateInto(from: string, to: string, manifest: CompressedManifest): void {
  fs.cpSync(from, to, { recursive: true, filter: (f) => !f.endsWith('.br') });
  for (const [name, expected] of Object.entries(manifest.files)) {
    const packed = path.join(from, `${name}.br`);
    let bytes: Buffer;
    try {
      bytes = zlib.brotliDecompressSync(fs.readFileSync(packed));
    } catch (e) {
      throw new Error(`${packed}: cannot be inflated (${e instanceof Error ? e.message : String(e)}); reinstall the extension`, { cause: e });
    }
    const actual = sha256(bytes);
    if (actual !== expected) throw new Error(`${packed}: inflates to SHA-256 ${actual}, not the recorded ${expected}; reinstall the extension`);
    fs.mkdirSync(path.dirname(path.join(to, name)), { recursive: true });
    // Executables and native libraries both: the mode a package manager would give them.
    fs.writeFileSync(path.join(to, name), bytes, { mode: 0o755 });
  }
}

/**
 * The folder to load `pkg` from: `pkg` itself when it holds its files as they are, else its
 * inflated copy in the cache (made now if it is not there yet).
 */
export function unpackedPackageDir(pkg: string): string {
  const manifestFile = path.join(pkg, COMPRESSED_MANIFEST);
  if (!fs.existsSync(manifestFile)) return pkg;
  const text = fs.readFileSync(manifestFile, 'utf8');
  const name = (JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { name: string }).name;
  const dest = path.join(runtimeDir(), `${name.replace(/[@/\\]/g, '_')}-${sha256(text).slice(0, 16)}`);
  if (fs.existsSync(dest)) return dest;
  const part = `${dest}.${process.pid}.part`;
  try {
    fs.rmSync(part, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    inflateInto(pkg, part, JSON.parse(text) as CompressedManifest);
    fs.renameSync(part, dest);
  } catch (e) {
    fs.rmSync(part, { recursive: true, force: true });
    // Another process finished the same copy first: theirs is as good.
    if (fs.existsSync(dest)) return dest;
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(why.includes(pkg) ? why : `${pkg}: cannot be unpacked into ${dest}: ${why}`, { cause: e });
  }
  return dest;
}

/** The webgpu package's entry (index.js, beside its Dawn), or undefined when it is not installed. */
export function webgpuEntry(): string | undefined {
  const dir = packageDir('webgpu');
  return dir && path.join(unpackedPackageDir(dir), 'index.js');
}

/**
 * esbuild's API, its binary first unpacked where this platform's package ships it compressed.
 * esbuild reads ESBUILD_BINARY_PATH when its API is first loaded, so only this loads it.
 */
export function loadEsbuild(): typeof Esbuild {
  const platformPackage = packageDir(`@esbuild/${process.platform}-${process.arch}`);
  if (platformPackage && fs.existsSync(path.join(platformPackage, COMPRESSED_MANIFEST))) {
    const binary = process.platform === 'win32' ? 'esbuild.exe' : path.join('bin', 'esbuild');
    process.env.ESBUILD_BINARY_PATH = path.join(unpackedPackageDir(platformPackage), binary);
  }
  const base = typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js');
  return createRequire(base)('esbuild') as typeof Esbuild;
}
