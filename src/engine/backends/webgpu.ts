// The `webgpu` backend: @tensorflow/tfjs-backend-webgpu on Dawn (the `webgpu` npm package, whose
// native binaries ship in the package): Vulkan on Linux, Metal on macOS, D3D12 on Windows. Used
// only when Dawn finds an adapter. The adapter is first asked for in a child process, bounded by
// a timeout (a broken driver can hang), whose stderr (Dawn's and Vulkan's own lines) comes back
// as the probe's nativeOutput instead of reaching the user. A software adapter (llvmpipe/lavapipe, SwiftShader, WARP) is correct but much
// slower than wasm, so `auto` passes it over; forcing `webgpu` still accepts it.

import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { webgpuEntry } from '../runtimeFiles';
import { firstLine } from './tensorflow';
import type { ProbeResult } from './types';
import { adapterInChild, adapterName, isSoftwareAdapter, vulkanLoaderInstalled, type AdapterLike } from './webgpuAdapter';

export { isSoftwareAdapter } from './webgpuAdapter';

const WEBGPU_HINT =
  'WebGPU needs a GPU driver Dawn can use: Vulkan on Linux (e.g. Debian/Ubuntu `libvulkan1` and ' +
  '`mesa-vulkan-drivers`, or the NVIDIA driver), Metal on macOS, D3D12 on Windows';

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

/** One GPU object per process: Dawn instances are costly and tfjs-backend-webgpu reads it from navigator. */
let gpu: GpuLike | undefined;

/** Whether `dir` is what the XDG spec asks of a runtime directory: ours, and private (mode 0700). */
function privateRuntimeDir(dir: string | undefined): boolean {
  if (!dir || !path.isAbsolute(dir)) return false;
  try {
    const st = fs.statSync(dir);
    return st.isDirectory() && (st.mode & 0o077) === 0 && (process.getuid === undefined || st.uid === process.getuid());
  } catch {
    return false;
  }
}

/**
 * Mesa's Vulkan drivers (and the Wayland client they may load) want $XDG_RUNTIME_DIR, and say
 * so on stderr when it is unset or unusable, as it is under sudo, in containers and in CI. A
 * user should not have to set it to train: this process gets a private one of its own, removed
 * at exit. Native code reads the environment through getenv, which sees process.env's changes.
 */
function ensureRuntimeDir(): void {
  if (process.platform !== 'linux' || privateRuntimeDir(process.env.XDG_RUNTIME_DIR)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-explorer-runtime-'));
  fs.chmodSync(dir, 0o700);
  process.env.XDG_RUNTIME_DIR = dir;
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}

async function dawnGpu(): Promise<GpuLike> {
  if (gpu) return gpu;
  // `webgpu` is an ES module; a dynamic import works from both the CJS bundle and tsx.
  const entry = webgpuEntry();
  if (!entry) throw new Error('Dawn is not installed here (`npm install -g webgpu` beside the cnn-explorer command)');
  const mod = (await import(pathToFileURL(entry).href)) as unknown as { create(flags: string[]): GpuLike; globals: object };
  // Dawn tries every backend it was built with unless told; on Linux only Vulkan is useful.
  gpu = mod.create(process.platform === 'linux' ? ['backend=vulkan'] : []);
  // tfjs-backend-webgpu uses the WebGPU globals (GPUBufferUsage, …) and navigator.gpu.
  for (const [key, value] of Object.entries(mod.globals)) {
    if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  }
  const g = globalThis as { navigator?: object };
  if (g.navigator) {
    // Node ≥ 21 has a navigator object without gpu: add the property to it.
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  return gpu;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Finds an adapter and makes 'webgpu' the current backend.
 * @param acceptSoftware false for `auto`: a CPU-emulated GPU is slower than wasm.
 */
export async function probeWebgpu(acceptSoftware: boolean, timeoutMs = 5000): Promise<ProbeResult> {
  if (process.platform === 'linux' && !vulkanLoaderInstalled()) {
    // Dawn would print a native warning and stack to stderr; say it once, plainly, instead.
    return { ok: false, reason: 'WebGPU needs the Vulkan loader (libvulkan.so.1), which is not installed', hint: WEBGPU_HINT };
  }
  ensureRuntimeDir(); // before the child starts: it inherits the environment
  const found = await adapterInChild(timeoutMs);
  const nativeOutput = found.stderr || undefined;
  if (found.error) return { ok: false, reason: `WebGPU (Dawn) could not start: ${found.error}`, hint: WEBGPU_HINT, nativeOutput };
  if (!found.adapter) return { ok: false, reason: 'WebGPU (Dawn) found no GPU adapter', hint: WEBGPU_HINT, nativeOutput };
  const name = adapterName(found.adapter);
  if (!acceptSoftware && isSoftwareAdapter(name)) {
    return { ok: false, reason: `the only WebGPU adapter is software (${name}), slower than wasm`, hint: WEBGPU_HINT, nativeOutput };
  }
  // This one is used: Dawn in this process (its own lines go to this process's stderr).
  let adapter: AdapterLike | null;
  try {
    const g = await dawnGpu();
    adapter = await withTimeout(g.requestAdapter({ powerPreference: 'high-performance' }), timeoutMs, 'Dawn');
  } catch (e) {
    return { ok: false, reason: `WebGPU (Dawn) could not start: ${firstLine(e)}`, hint: WEBGPU_HINT, nativeOutput };
  }
  if (!adapter) return { ok: false, reason: 'WebGPU (Dawn) found no GPU adapter', hint: WEBGPU_HINT, nativeOutput };
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!tf.findBackendFactory('webgpu')) throw new Error('@tensorflow/tfjs-backend-webgpu did not register (navigator.gpu missing)');
    if (!(await withTimeout(tf.setBackend('webgpu'), timeoutMs * 2, 'the WebGPU device'))) {
      throw new Error('initialisation failed');
    }
  } catch (e) {
    return { ok: false, reason: `WebGPU adapter ${name} found but tfjs could not use it: ${firstLine(e)}`, hint: WEBGPU_HINT, nativeOutput };
  }
  return { ok: true, detail: name, note: isSoftwareAdapter(name) ? 'software adapter: correct but slow' : undefined, nativeOutput };
}
