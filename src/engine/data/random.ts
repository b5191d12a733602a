// A small seeded PRNG shared by the data helpers and the training loop. Everything random in
// training (splits, shuffles, augmentation) draws from it, so a run is reproducible from its
// seed on every machine and backend (Math.random cannot be seeded).

/** What the helpers need from a random source: uniform numbers in [0, 1). */
export interface RandomSource {
  next(): number;
}

/** mulberry32: 32 bits of state, fast, good enough statistically for shuffles and augmentation. */
export class Rng implements RandomSource {
  private state: number;
  constructor(seed: number) {
    this.state = hashSeed(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller; one of the pair is dropped to keep the state simple). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

/**
 * A seed for an independent stream derived from a base seed and labels, so that, e.g., the
 * validation split and epoch 3's shuffle don't share (and correlate through) one sequence.
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = hashSeed(seed);
  for (const label of labels) {
    const text = String(label);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193); // a separator, so ('ab', 'c') differs from ('a', 'bc')
  }
  return h >>> 0;
}

/** Any number (negative, fractional, huge) to 32 well-mixed bits, so seeds 0, 1, 2 start far apart. */
function hashSeed(seed: number): number {
  let h = Number.isFinite(seed) ? Math.floor(seed) % 4294967296 : 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
