// Asking Dawn for a WebGPU adapter in a short-lived child process, without loading Dawn or tfjs
// here: the webgpu backend's probe (webgpu.ts) starts with it, and the starter's engine choice
// asks it whether a hardware adapter exists (torch on the CPU comes after webgpu on a GPU).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { webgpuEntry } from '../runtimeFiles';
import { firstLine } from './nativePackages';

export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

/** Whether the dynamic linker can find libvulkan.so.1 in the usual places or LD_LIBRARY_PATH. */
export function vulkanLoaderInstalled(): boolean {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/lib64', '/usr/lib', '/lib64', '/lib',
    '/usr/local/lib',
  ];
  return dirs.some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')));
}

export function adapterName(a: AdapterLike): string {
  const i = a.info ?? {};
  const parts = [i.description || i.device, i.vendor, i.architecture].filter((p) => !!p);
  return parts.length ? parts.join(', ') : 'unnamed adapter';
}

export function isSoftwareAdapter(name: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|software|warp|cpu/i.test(name);
}

/** What a child process's Dawn found: an adapter (or none), or why it could not say. */
interface ChildAdapter {
  adapter: AdapterLike | null;
  error?: string;
  /** What the child wrote on stderr: Dawn's, the Vulkan loader's and the driver's own lines. */
  stderr: string;
}

// Run with `node -e`; WEBGPU_URL is the webgpu package's entry. Prints one JSON line.
const CHILD_PROBE = `
import(process.env.WEBGPU_URL)
  .then((m) => m.create(process.platform === 'linux' ? ['backend=vulkan'] : []).requestAdapter({ powerPreference: 'high-performance' }))
  .then((a) => a ? { adapter: { info: { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description } } } : { adapter: null },
    (e) => ({ adapter: null, error: String((e && e.message) || e) }))
  .then((r) => { process.stdout.write(JSON.stringify(r) + '\\n'); process.exit(0); });
`;

/**
 * Asks Dawn for an adapter in a short-lived child process: what Dawn, the Vulkan loader and the
 * driver write to fd 2 then is that child's, captured here instead of reaching the user (which
 * no JavaScript in this process could stop); a driver that hangs or crashes takes only the child
 * down. Dawn is loaded here only when the adapter found is one this run will use.
 */
export function adapterInChild(timeoutMs: number): Promise<ChildAdapter> {
  let entry: string;
  try {
    const file = webgpuEntry();
    // The CLI's npm package leaves Dawn out (one binary per platform); the extension's carry it.
    if (!file) return Promise.resolve({ adapter: null, error: 'Dawn is not installed here (`npm install -g webgpu` beside the cnn-explorer command)', stderr: '' });
    entry = pathToFileURL(file).href;
  } catch (e) {
    // The package's compressed Dawn could not be unpacked: the one line that says why.
    return Promise.resolve({ adapter: null, error: firstLine(e), stderr: '' });
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD_PROBE], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WEBGPU_URL: entry, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); resolve({ adapter: null, error: firstLine(e), stderr }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        const r = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Omit<ChildAdapter, 'stderr'>;
        return resolve({ ...r, stderr });
      } catch { /* no answer: it hung or crashed */ }
      const error = signal === 'SIGKILL' ? `Dawn did not answer within ${timeoutMs} ms` : `Dawn's process ended (${signal ?? `code ${code}`}) without an answer`;
      resolve({ adapter: null, error, stderr });
    });
  });
}

/** The name of a hardware WebGPU adapter here, or why there is none (no Vulkan loader, none found, software only). */
export async function hardwareAdapter(timeoutMs = 5000): Promise<{ name: string } | { reason: string }> {
  if (process.platform === 'linux' && !vulkanLoaderInstalled()) return { reason: 'no Vulkan loader for WebGPU' };
  let found: ChildAdapter;
  try {
    found = await adapterInChild(timeoutMs);
  } catch (e) {
    return { reason: `WebGPU (Dawn) could not start: ${firstLine(e)}` };
  }
  if (found.error) return { reason: `WebGPU (Dawn) could not start: ${found.error}` };
  if (!found.adapter) return { reason: 'no WebGPU adapter' };
  const name = adapterName(found.adapter);
  // The software adapter's first word says which (llvmpipe, SwiftShader): the rest is versions.
  return isSoftwareAdapter(name) ? { reason: `no hardware WebGPU adapter (only ${name.split(/[:,(]/)[0]!.trim()}, in software)` } : { name };
}
