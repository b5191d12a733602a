// The assembler of our WebAssembly SIMD kernels: a kernel's body is written in the text format
// at run time (WatFunction), assembled by wabt and instantiated on the wasm backend's own memory,
// once per memory and geometry. The kernels are for loops that XNNPACK has no operator for and
// that JS runs several times slower (bench/README.md). Each kernel module defines its own
// generators with `simdKernel`, for one geometry at a time, with its loop bounds and offsets as
// constants and its innermost loops unrolled, the way a hand-written kernel for that shape
// would be.
//
// They run on the calling thread (not XNNPACK's pool); the caller falls back to its general
// route when a kernel comes back undefined (no SIMD in this runtime, no memory to share, or the
// assembler not loaded: loadSimdAssembler).

import type loadWabt from 'wabt';
import type { BackendWasm } from './heap';

type Wabt = Awaited<ReturnType<typeof loadWabt>>;

const bitsView = new Int32Array(1);
const floatView = new Float32Array(bitsView.buffer);

/** The bit pattern of v as a float32, as an i32 (how kernels take float constants exactly). */
export function float32Bits(v: number): number {
  floatView[0] = v;
  return bitsView[0]!;
}

const I32_LOCALS = 24;
const V128_LOCALS = 48;

/**
 * One function's body in the WebAssembly text format, built instruction by instruction (the
 * kernels are generated per geometry, with constants and unrolled loops). Locals are numbered:
 * the parameters, then I32_LOCALS i32s, then V128_LOCALS v128s.
 */
export class WatFunction {
  private readonly code: string[] = [];
  private nextI32 = 0;
  private nextV = 0;

  constructor(readonly params: number) {}

  i32(): number {
    if (this.nextI32 >= I32_LOCALS) throw new Error('simd: out of i32 locals');
    return this.params + this.nextI32++;
  }

  v128(): number {
    if (this.nextV >= V128_LOCALS) throw new Error('simd: out of v128 locals');
    return this.params + I32_LOCALS + this.nextV++;
  }

  /** Any instruction, e.g. `f32x4.add`, `i32.sub`, `drop`. */
  op(instruction: string): this { this.code.push(instruction); return this; }
  get(l: number): this { return this.op(`local.get ${l}`); }
  set(l: number): this { return this.op(`local.set ${l}`); }
  const(v: number): this { return this.op(`i32.const ${v | 0}`); }
  add(): this { return this.op('i32.add'); }
  /** l += v */
  inc(l: number, v: number): this { return v === 0 ? this : this.get(l).const(v).add().set(l); }
  /** l = other + v */
  setFrom(l: number, other: number, v = 0): this { this.get(other); if (v) this.const(v).add(); return this.set(l); }
  f32Load(off: number): this { return this.op(`f32.load offset=${off}`); }
  f32Store(off: number): this { return this.op(`f32.store offset=${off}`); }
  // Addresses are 4-byte aligned (floats), not 16.
  vLoad(off: number): this { return this.op(`v128.load offset=${off} align=4`); }
  vStore(off: number): this { return this.op(`v128.store offset=${off} align=4`); }
  /** Four lanes of the float32 v, by its bit pattern (exact for any value, −∞ included). */
  vConstF32(v: number): this {
    const bits = float32Bits(v);
    return this.op(`v128.const i32x4 ${bits} ${bits} ${bits} ${bits}`);
  }

  /** A do-while loop run `count` (> 0) times, with a fresh counter. */
  repeat(count: number, body: () => void): this {
    if (count <= 0) return this;
    if (count === 1) { body(); return this; }
    const i = this.i32();
    this.const(0).set(i).op('loop');
    body();
    return this.inc(i, 1).get(i).const(count).op('i32.lt_s').op('br_if 0').op('end');
  }

  /** A do-while loop run as many times as local `count` says (> 0, checked by the caller). */
  repeatLocal(count: number, body: () => void): this {
    const i = this.i32();
    this.const(0).set(i).op('loop');
    body();
    return this.inc(i, 1).get(i).get(count).op('i32.lt_s').op('br_if 0').op('end');
  }

  /** A module importing env.memory (shared or not, as the backend's is) and exporting this as `run`. */
  module(shared: boolean): string {
    const params = this.params ? `(param${' i32'.repeat(this.params)})` : '';
    return `(module
  (import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))
  (func (export "run") ${params} (local${' i32'.repeat(I32_LOCALS)}) (local${' v128'.repeat(V128_LOCALS)})
    ${this.code.join('\n    ')}))`;
  }
}

let wabt: Wabt | null = null;
let simdSupported: boolean | undefined;

/** Loads the assembler (wabt); the kernels are available once this resolves. */
export async function loadSimdAssembler(): Promise<void> {
  if (wabt) return;
  try {
    const load = (await import('wabt')).default;
    wabt = await load();
  } catch (e) {
    // Without it the backend still trains, on the kernels' general routes (slower).
    assemblerMissing = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
}

let assemblerMissing: string | null = null;

/** Why the SIMD kernels' assembler did not load (for the backend line), or null. */
export function simdAssemblerProblem(): string | null {
  return assemblerMissing;
}

function assemble(fn: WatFunction, shared: boolean): Uint8Array<ArrayBuffer> {
  // wabt's own validate() ignores the threads feature (shared memory); WebAssembly.Module validates.
  const parsed = wabt!.parseWat('kernel.wat', fn.module(shared), { simd: true, threads: true });
  try {
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

export type Run = (...args: number[]) => void;

interface Kernels {
  memory: WebAssembly.Memory;
  cache: Map<string, Run>;
}

const byMemory = new WeakMap<WebAssembly.Memory, Kernels>();

function memoryOf(backend: BackendWasm): WebAssembly.Memory | undefined {
  const m = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  const mem = m.wasmMemory ?? m.asm?.memory;
  return mem instanceof WebAssembly.Memory ? mem : undefined;
}

function supported(): boolean {
  if (!wabt) return false;
  if (simdSupported === undefined) {
    // The smallest module using a v128 instruction.
    try {
      simdSupported = WebAssembly.validate(assemble(new WatFunction(0).vConstF32(0).op('drop'), false));
    } catch {
      simdSupported = false;
    }
  }
  return simdSupported;
}

function kernels(backend: BackendWasm): Kernels | undefined {
  if (!supported()) return undefined;
  const memory = memoryOf(backend);
  if (!memory) return undefined;
  let k = byMemory.get(memory);
  if (!k) {
    k = { memory, cache: new Map() };
    byMemory.set(memory, k);
  }
  return k;
}

function instantiate(k: Kernels, key: string, build: () => WatFunction): Run {
  let run = k.cache.get(key);
  if (!run) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && k.memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(assemble(build(), shared));
    const instance = new WebAssembly.Instance(module, { env: { memory: k.memory } });
    run = instance.exports.run as Run;
    k.cache.set(key, run);
  }
  return run;
}

/** The byte address of a tensor's data in the backend's memory. */
export function addressOf(backend: BackendWasm, dataId: object): number {
  return backend.dataIdMap.get(dataId).memoryOffset as number;
}

/** Whether SIMD kernels can run on this backend (the kernel tests check that they do, not the fallbacks). */
export function simdAvailable(backend: BackendWasm): boolean {
  return kernels(backend) !== undefined;
}

const names = new Set<string>();

/**
 * A SIMD kernel generated for each value of its parameter `g` (a geometry, a flag): `build(g)`
 * writes its body. The result gives the kernel for a backend, assembled once per memory and
 * value of `g`, or undefined where SIMD kernels cannot run (then the caller takes its general
 * route). `name` keys the cache, so it is unique.
 */
export function simdKernel<G = void>(name: string, build: (g: G) => WatFunction): (backend: BackendWasm, g: G) => Run | undefined {
  if (names.has(name)) throw new Error(`simd: two kernels named ${name}`);
  names.add(name);
  return (backend, g) => {
    const k = kernels(backend);
    return k && instantiate(k, `${name} ${JSON.stringify(g) ?? ''}`, () => build(g));
  };
}
