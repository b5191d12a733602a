// Multithreaded XNNPACK for the wasm backend in Node. @tensorflow/tfjs-backend-wasm ships a
// threaded SIMD build but starts it only in browsers (tfjs issue #3830): its loader hands the
// pthread workers a Blob URL, which Node's worker_threads cannot load. Here the same build is
// started the Node way: the worker script is written to a file, the main script is passed by
// path. Its C++ side also caps the pool at half the logical cores (it assumes two hardware
// threads per core), so the core count it reads at start-up is set to twice the threads wanted.
//
// Convolutions and matrix products split their output between the threads, each element still
// summed by one thread in one order: results do not depend on the thread count.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

/** The Emscripten module the backend's constructor takes, with tfjs's C entry points bound. */
export interface ThreadedWasmModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs: Record<string, (...a: number[]) => number>;
  PThread: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] };
}

type Factory = (config: Record<string, unknown>) => Promise<ThreadedWasmModule>;

const BUILD = 'tfjs-backend-wasm-threaded-simd';

/** Loads the build's scripts, found by path at run time (the bundle keeps them outside). */
const load = createRequire(__filename);

/** The build's folder: beside the bundle (dist/, where esbuild.mjs copies it), else the package's (sources). */
function buildDir(): string {
  if (fs.existsSync(path.join(__dirname, `${BUILD}.js`))) return __dirname;
  return path.dirname(load.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${BUILD}.js`));
}

/** The threads training uses by default: every core the process may run on. */
export function defaultThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Writes the pthread worker script once per content (several trainers may share the file). */
function workerScript(dir: string): string {
  const { wasmWorkerContents } = load(path.join(dir, `${BUILD}.worker.js`)) as { wasmWorkerContents: string };
  // The shipped text was written for a Blob: its string literals hold raw newlines.
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  const file = path.join(os.tmpdir(), `cnn-explorer-wasm-worker-${(hash >>> 0).toString(16)}.js`);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return file;
}

/** Starts the threaded SIMD build with a pool of `threads` XNNPACK threads. */
export async function createThreadedModule(threads: number): Promise<ThreadedWasmModule> {
  const dir = buildDir();
  const factory = load(path.join(dir, `${BUILD}.js`)) as Factory;
  const worker = workerScript(dir);
  const binary = fs.readFileSync(path.join(dir, `${BUILD}.wasm`));
  const module = await factory({
    locateFile: (file: string) => (file.endsWith('.worker.js') ? worker : path.join(dir, file)),
    mainScriptUrlOrBlob: path.join(dir, `${BUILD}.js`),
    instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      void WebAssembly.instantiate(binary, imports as WebAssembly.Imports).then((r) => receive(r.instance, r.module));
      return {};
    },
  });
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * Lets the process exit while XNNPACK's threads wait for work: they live as long as the pool,
 * and a referenced worker would keep a finished CLI or bench alive. Call once the pool exists
 * (the backend's constructor creates it).
 */
export function unrefWorkers(module: ThreadedWasmModule): void {
  for (const w of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) w.unref();
}
