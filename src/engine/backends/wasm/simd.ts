// Small WebAssembly SIMD kernels, written here in the text format at run time, assembled by
// wabt and instantiated on the wasm backend's own memory, for the loops that XNNPACK has no operator for and that JS runs 5–20×
// slower (measured: the first layer's filter gradient and 2×2 max-pool gradient of the small
// CNN, 2.3 and 1.1 ms per step in JS/XNNPACK). Each kernel is generated for one geometry with
// its loop bounds and offsets as constants and its innermost loops unrolled, the way a
// hand-written kernel for that shape would be, and cached by geometry.
//
// They run on the calling thread (not XNNPACK's pool); the caller falls back to its general
// route when `simdKernels` returns undefined (no SIMD in this runtime, no memory to share, or
// the assembler not loaded: loadSimdAssembler).

import type { BackendWasm } from './heap';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;

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
 * kernels below are generated per geometry, with constants and unrolled loops). Locals are
 * numbered: the parameters, then I32_LOCALS i32s, then V128_LOCALS v128s.
 */
class Fn {
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

function assemble(fn: Fn, shared: boolean): Uint8Array<ArrayBuffer> {
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
      simdSupported = WebAssembly.validate(assemble(new Fn(0).vConstF32(0).op('drop'), false));
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

function instantiate(k: Kernels, key: string, build: () => Fn): Run {
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

// ---- kernels ----

/** Geometry of the single-input-channel, stride-1 filter gradient (see filterGradC1). */
export interface FilterGradC1 {
  N: number; OH: number; OW: number; CO: number; KH: number; KW: number;
  /** OW rounded up to a multiple of 4. */
  OWp: number;
  /** Row length and image size (floats) of the zero-padded input the kernel reads. */
  rowStride: number; imageStride: number;
}

/** Unrolled multiply-adds per output row: past this the code grows too big to pay. */
export const MAX_FILTER_GRAD_C1_UNROLL = 96;

/**
 * dW[kh, kw, co] (as 4 partial sums per tap and channel, at acc) for a C = 1, stride-1
 * convolution: x is the input padded so that every tap reads inside it ([N, ·, rowStride]),
 * dy is [N, OH, OW, CO], t is scratch for one image's dy transposed to [OH, CO, OWp] whose
 * columns OW..OWp must be zero on entry. Per image and tap, each output channel's accumulator
 * stays in a register over the image's rows: x's row segment (OWp wide) times dyᵀ's row.
 */
function buildFilterGradC1(g: FilterGradC1): Fn {
  const { N, OH, OW, CO, KH, KW, OWp, rowStride, imageStride } = g;
  const V = OWp / 4;
  const f = new Fn(4);
  const [X, DY, ACC, T] = [0, 1, 2, 3];
  const xImg = f.i32(), dyp = f.i32(), tp = f.i32(), ap = f.i32(), xTap = f.i32(), xr = f.i32(), tr = f.i32(), xRowTap = f.i32();
  const acc = Array.from({ length: CO }, () => f.v128());
  const xv = Array.from({ length: V }, () => f.v128());
  // Zero the accumulators.
  f.setFrom(ap, ACC);
  f.repeat(KH * KW * CO, () => { f.get(ap).vConstF32(0).vStore(0).inc(ap, 16); });
  f.setFrom(xImg, X).setFrom(dyp, DY);
  f.repeat(N, () => {
    // dy of this image, transposed: t[oh][co][ow] = dy[oh][ow][co].
    f.setFrom(tr, T);
    f.repeat(OH, () => {
      f.setFrom(tp, tr);
      f.repeat(OW, () => {
        for (let co = 0; co < CO; co++) f.get(tp).get(dyp).f32Load(co * 4).f32Store(co * OWp * 4);
        f.inc(tp, 4).inc(dyp, CO * 4);
      });
      f.inc(tr, CO * OWp * 4);
    });
    f.setFrom(ap, ACC).setFrom(xTap, xImg);
    f.repeat(KH, () => {
      f.setFrom(xRowTap, xTap);
      f.repeat(KW, () => {
        for (let co = 0; co < CO; co++) f.get(ap).vLoad(co * 16).set(acc[co]!);
        f.setFrom(xr, xRowTap).setFrom(tr, T);
        f.repeat(OH, () => {
          for (let j = 0; j < V; j++) f.get(xr).vLoad(j * 16).set(xv[j]!);
          for (let co = 0; co < CO; co++) {
            f.get(acc[co]!);
            for (let j = 0; j < V; j++) f.get(xv[j]!).get(tr).vLoad((co * OWp + j * 4) * 4).op('f32x4.mul').op('f32x4.add');
            f.set(acc[co]!);
          }
          f.inc(xr, rowStride * 4).inc(tr, CO * OWp * 4);
        });
        for (let co = 0; co < CO; co++) f.get(ap).get(acc[co]!).vStore(co * 16);
        f.inc(ap, CO * 16).inc(xRowTap, 4);
      });
      f.inc(xTap, rowStride * 4);
    });
    f.inc(xImg, imageStride * 4);
  });
  return f;
}

/** Geometry of unfoldColumns: rows of `columns` windows of L floats, `step` floats apart. */
export interface UnfoldColumns { rows: number; columns: number; L: number; step: number; srcRowStride: number }

/**
 * dst[r, c, i] = src[r·srcRowStride + c·step + i] for i < L: each output column's window of a
 * row (its KW taps on a one-channel image) copied out as a row of L channels (conv2d.ts).
 */
function buildUnfoldColumns(g: UnfoldColumns): Fn {
  const { rows, columns, L, step, srcRowStride } = g;
  const f = new Fn(2);
  const [SRC, DST] = [0, 1];
  const row = f.i32(), sp = f.i32(), dp = f.i32();
  f.setFrom(row, SRC).setFrom(dp, DST);
  f.repeat(rows, () => {
    f.setFrom(sp, row);
    f.repeat(columns, () => {
      for (let i = 0; i + 4 <= L; i += 4) f.get(dp).get(sp).vLoad(i * 4).vStore(i * 4);
      if (L % 4 && L > 4) f.get(dp).get(sp).vLoad((L - 4) * 4).vStore((L - 4) * 4);
      if (L < 4) for (let i = 0; i < L; i++) f.get(dp).get(sp).f32Load(i * 4).f32Store(i * 4);
      f.inc(sp, step * 4).inc(dp, L * 4);
    });
    f.inc(row, srcRowStride * 4);
  });
  return f;
}

/** Geometry of 2×2 stride-2 pooling (forward or gradient) without padding, C ≥ 4 channels. */
export interface Pool2x2 { N: number; H: number; W: number; C: number; OH: number; OW: number }

/**
 * Walks every 2×2/2 window: local `cell` at the byte address of the window's top-left cell in an
 * input-sized [N, H, W, C] tensor (from `start`), local `out` (set by the caller) at the window's
 * output in an output-sized one. `body` gets the byte offsets, from either address, of the
 * channel vectors: four channels each, the last overlapping the one before when C is not a
 * multiple of 4 (the shared channels get the same values twice), and the steps to the cells on
 * the right and below. Rows and columns outside every window (odd H or W) are skipped.
 */
function eachWindow2x2(f: Fn, g: Pool2x2, start: number, out: number,
  body: (cell: number, vectors: number[], right: number, down: number) => void): void {
  const { N, H, W, C, OH, OW } = g;
  const vectors: number[] = [];
  for (let ch = 0; ch + 4 <= C; ch += 4) vectors.push(ch * 4);
  if (C % 4) vectors.push((C - 4) * 4);
  const right = C * 4, down = W * C * 4;
  const row = f.i32(), cell = f.i32();
  f.setFrom(row, start);
  f.repeat(N, () => {
    f.repeat(OH, () => {
      f.setFrom(cell, row);
      f.repeat(OW, () => {
        body(cell, vectors, right, down);
        f.inc(cell, 2 * right).inc(out, right);
      });
      f.inc(row, 2 * down);
    });
    f.inc(row, (H - 2 * OH) * down);
  });
}

/**
 * dx for 2×2/2 max pooling: each window's first maximum in row-major order (strict '>', from
 * −∞, as the cpu kernel) gets the window's gradient, the other three cells 0; a window of NaNs
 * passes none. Cells outside every window are not written.
 */
function buildMaxPoolGrad2x2(g: Pool2x2): Fn {
  const f = new Fn(3);
  const [X, DY, DX] = [0, 1, 2];
  const gi = f.i32(), delta = f.i32(), d = f.i32();
  const a = f.v128(), b = f.v128(), c = f.v128(), e = f.v128(), v = f.v128(), gv = f.v128();
  const m0 = f.v128(), m1 = f.v128(), m2 = f.v128(), m3 = f.v128();
  f.get(DX).get(X).op('i32.sub').set(delta);
  f.setFrom(gi, DY);
  eachWindow2x2(f, g, X, gi, (xi, vectors, right, down) => {
    f.get(xi).get(delta).add().set(d);
    for (const o of vectors) {
      f.get(xi).vLoad(o).set(a).get(xi).vLoad(o + right).set(b);
      f.get(xi).vLoad(o + down).set(c).get(xi).vLoad(o + down + right).set(e);
      f.get(gi).vLoad(o).set(gv);
      f.get(a).vConstF32(-Infinity).op('f32x4.gt').set(m0);
      f.get(a).vConstF32(-Infinity).get(m0).op('v128.bitselect').set(v);
      f.get(b).get(v).op('f32x4.gt').set(m1);
      f.get(b).get(v).get(m1).op('v128.bitselect').set(v);
      f.get(c).get(v).op('f32x4.gt').set(m2);
      f.get(c).get(v).get(m2).op('v128.bitselect').set(v);
      f.get(e).get(v).op('f32x4.gt').set(m3);
      // The last position whose '>' fired is the first maximum.
      f.get(d).get(gv).get(m3).op('v128.and').vStore(o + down + right);
      f.get(m2).get(m3).op('v128.andnot').set(m2);
      f.get(d).get(gv).get(m2).op('v128.and').vStore(o + down);
      f.get(m3).get(m2).op('v128.or').set(m3); // later maxima: m2 | m3
      f.get(m1).get(m3).op('v128.andnot').set(m1);
      f.get(d).get(gv).get(m1).op('v128.and').vStore(o + right);
      f.get(m3).get(m1).op('v128.or').set(m3);
      f.get(m0).get(m3).op('v128.andnot').set(m0);
      f.get(d).get(gv).get(m0).op('v128.and').vStore(o);
    }
  });
  return f;
}

/**
 * The greatest block of floats, a multiple of both 4 and the channel count C, that the
 * per-channel kernels below hold in registers: within such a block every vector lane always
 * meets the same channel.
 */
export const MAX_PERIOD = 128;

export function periodOf(C: number): number {
  let a = C, b = 4;
  while (b) [a, b] = [b, a % b];
  return (C / a) * 4;
}

/**
 * Partial sums of `blocks` (> 0) consecutive blocks of L floats (L = periodOf(C)): acc gets L
 * floats, element p the sum of every block's element p (channel p mod C).
 */
function buildBlockSum(L: number): Fn {
  const f = new Fn(3);
  const [X, ACC, BLOCKS] = [0, 1, 2];
  const nv = L / 4;
  const p = f.i32();
  const acc = Array.from({ length: nv }, () => f.v128());
  for (const a of acc) f.vConstF32(0).set(a);
  f.setFrom(p, X);
  f.repeatLocal(BLOCKS, () => {
    for (let i = 0; i < nv; i++) f.get(acc[i]!).get(p).vLoad(i * 16).op('f32x4.add').set(acc[i]!);
    f.inc(p, L * 4);
  });
  for (let i = 0; i < nv; i++) f.get(ACC).get(acc[i]!).vStore(i * 16);
  return f;
}

/** out = x + pattern over `blocks` (> 0) blocks of L floats (pattern: L floats, the bias repeated). */
function buildBlockAdd(L: number): Fn {
  const f = new Fn(4);
  const [X, PAT, OUT, BLOCKS] = [0, 1, 2, 3];
  const nv = L / 4;
  const xp = f.i32(), op = f.i32();
  const pat = Array.from({ length: nv }, () => f.v128());
  for (let i = 0; i < nv; i++) f.get(PAT).vLoad(i * 16).set(pat[i]!);
  f.setFrom(xp, X).setFrom(op, OUT);
  f.repeatLocal(BLOCKS, () => {
    for (let i = 0; i < nv; i++) f.get(op).get(xp).vLoad(i * 16).get(pat[i]!).op('f32x4.add').vStore(i * 16);
    f.inc(xp, L * 4).inc(op, L * 4);
  });
  return f;
}

/**
 * dx for 2×2/2 average pooling without padding: each window's four cells get a quarter of its
 * gradient; cells outside every window are not written.
 */
function buildAvgPoolGrad2x2(g: Pool2x2): Fn {
  const f = new Fn(2);
  const [DY, DX] = [0, 1];
  const gi = f.i32();
  const q = f.v128();
  f.setFrom(gi, DY);
  eachWindow2x2(f, g, DX, gi, (di, vectors, right, down) => {
    for (const o of vectors) {
      f.get(gi).vLoad(o).vConstF32(0.25).op('f32x4.mul').set(q);
      for (const at of [o, o + right, o + down, o + down + right]) f.get(di).get(q).vStore(at);
    }
  });
  return f;
}

/**
 * 2×2/2 pooling: max with the cpu kernel's rule (the greatest by '>', from −∞: NaNs are passed
 * over); average as the cpu kernel sums, row-major ((x00 + x01) + x10) + x11, then divides by 4
 * (a multiplication by 0.25, exact).
 */
function buildPool2x2(g: Pool2x2, mode: 'max' | 'avg'): Fn {
  const f = new Fn(2);
  const [X, Y] = [0, 1];
  const yi = f.i32();
  f.setFrom(yi, Y);
  eachWindow2x2(f, g, X, yi, (xi, vectors, right, down) => {
    for (const o of vectors) {
      if (mode === 'max') {
        // pmax(v, x) = v < x ? x : v, i.e. x > v ? x : v
        f.get(yi).vConstF32(-Infinity).get(xi).vLoad(o).op('f32x4.pmax');
        for (const at of [o + right, o + down, o + down + right]) f.get(xi).vLoad(at).op('f32x4.pmax');
      } else {
        f.get(yi).get(xi).vLoad(o);
        for (const at of [o + right, o + down, o + down + right]) f.get(xi).vLoad(at).op('f32x4.add');
        f.vConstF32(0.25).op('f32x4.mul');
      }
      f.vStore(o);
    }
  });
  return f;
}

/**
 * SGD with momentum (tfjs's MomentumOptimizer, operation for operation in float32) over
 * `vectors` (> 0) vectors of 4 floats: acc' = m·acc + g, then value' = c·acc' + value, or with
 * Nesterov value' = c·(g + acc'·m) + value, where c = −lr. c and m come as float32 bit patterns.
 */
function buildSgdMomentum(nesterov: boolean): Fn {
  const f = new Fn(8);
  const [VALUE, ACC, GRAD, OUT_VALUE, OUT_ACC, C_BITS, M_BITS, COUNT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const vp = f.i32(), ap = f.i32(), gp = f.i32(), ovp = f.i32(), oap = f.i32();
  const c = f.v128(), m = f.v128(), na = f.v128(), g = f.v128();
  const splatBits = (local: number, into: number) => f.get(local).op('f32.reinterpret_i32').op('f32x4.splat').set(into);
  splatBits(C_BITS, c);
  splatBits(M_BITS, m);
  f.setFrom(vp, VALUE).setFrom(ap, ACC).setFrom(gp, GRAD).setFrom(ovp, OUT_VALUE).setFrom(oap, OUT_ACC);
  f.repeatLocal(COUNT, () => {
    f.get(gp).vLoad(0).set(g);
    f.get(m).get(ap).vLoad(0).op('f32x4.mul').get(g).op('f32x4.add').set(na);
    f.get(oap).get(na).vStore(0);
    f.get(ovp).get(c);
    if (nesterov) f.get(g).get(na).get(m).op('f32x4.mul').op('f32x4.add');
    else f.get(na);
    f.op('f32x4.mul').get(vp).vLoad(0).op('f32x4.add').vStore(0);
    for (const p of [vp, ap, gp, ovp, oap]) f.inc(p, 16);
  });
  return f;
}

/**
 * An activation's gradient over `count` (> 0) vectors of 4 floats, params (x, dy, dx, count):
 * `vector` pushes dx's vector for the current x and dy (locals holding their addresses).
 */
function buildActivationGrad(vector: (f: Fn, x: number, dy: number) => void): Fn {
  const f = new Fn(4);
  const [X, DY, DX, COUNT] = [0, 1, 2, 3];
  const xp = f.i32(), dyp = f.i32(), dxp = f.i32();
  f.setFrom(xp, X).setFrom(dyp, DY).setFrom(dxp, DX);
  f.repeatLocal(COUNT, () => {
    f.get(dxp);
    vector(f, xp, dyp);
    f.vStore(0);
    for (const p of [xp, dyp, dxp]) f.inc(p, 16);
  });
  return f;
}

/**
 * ReLU's gradient dx = dy · (x > 0 ? 1 : 0), a product as tfjs computes it (so −0 for a negative
 * dy, NaN for a NaN dy, wherever x ≤ 0).
 */
const buildReluGrad = () => buildActivationGrad((f, x, dy) => {
  f.get(dy).vLoad(0).vConstF32(1).get(x).vLoad(0).vConstF32(0).op('f32x4.gt').op('v128.and').op('f32x4.mul');
});

/** Sigmoid's gradient dx = dy · (y · (1 − y)), y its output: tfjs's formula, its roundings included. */
const buildSigmoidGrad = () => buildActivationGrad((f, y, dy) => {
  f.get(dy).vLoad(0).get(y).vLoad(0).vConstF32(1).get(y).vLoad(0).op('f32x4.sub').op('f32x4.mul').op('f32x4.mul');
});

/** The kernels for this backend, or undefined where they cannot run (then use the fallback). */
export function simdKernels(backend: BackendWasm): {
  filterGradC1(g: FilterGradC1): Run;
  unfoldColumns(g: UnfoldColumns): Run;
  maxPoolGrad2x2(g: Pool2x2): Run;
  avgPoolGrad2x2(g: Pool2x2): Run;
  blockSum(L: number): Run;
  blockAdd(L: number): Run;
  maxPool2x2(g: Pool2x2): Run;
  avgPool2x2(g: Pool2x2): Run;
  sgdMomentum(nesterov: boolean): Run;
  reluGrad(): Run;
  sigmoidGrad(): Run;
} | undefined {
  const k = kernels(backend);
  if (!k) return undefined;
  return {
    filterGradC1: (g) => instantiate(k, `fgc1 ${JSON.stringify(g)}`, () => buildFilterGradC1(g)),
    unfoldColumns: (g) => instantiate(k, `unfc ${JSON.stringify(g)}`, () => buildUnfoldColumns(g)),
    maxPoolGrad2x2: (g) => instantiate(k, `mpg2 ${JSON.stringify(g)}`, () => buildMaxPoolGrad2x2(g)),
    avgPoolGrad2x2: (g) => instantiate(k, `apg2 ${JSON.stringify(g)}`, () => buildAvgPoolGrad2x2(g)),
    blockSum: (L) => instantiate(k, `bsum ${L}`, () => buildBlockSum(L)),
    blockAdd: (L) => instantiate(k, `badd ${L}`, () => buildBlockAdd(L)),
    maxPool2x2: (g) => instantiate(k, `mp2 ${JSON.stringify(g)}`, () => buildPool2x2(g, 'max')),
    avgPool2x2: (g) => instantiate(k, `ap2 ${JSON.stringify(g)}`, () => buildPool2x2(g, 'avg')),
    sgdMomentum: (nesterov) => instantiate(k, `sgdm ${nesterov}`, () => buildSgdMomentum(nesterov)),
    reluGrad: () => instantiate(k, 'relug', buildReluGrad),
    sigmoidGrad: () => instantiate(k, 'sigg', buildSigmoidGrad),
  };
}
