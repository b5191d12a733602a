import { LocatedError } from './errors';
import type { Pair, PaddingSpec, SourceRange } from './ir';

// Checks shared by every DSL function. Each failure is a LocatedError at the user's call.

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

export class Checker {
  constructor(readonly fn: string, readonly at: SourceRange | null) {}

  fail(message: string): never {
    throw new LocatedError(`${this.fn}: ${message}`, this.at);
  }

  /** A positive integer (sizes, counts). */
  positiveInt(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      this.fail(`${what} must be a positive integer, got ${describe(value)}`);
    }
    return value;
  }

  nonNegativeInt(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.fail(`${what} must be a non-negative integer, got ${describe(value)}`);
    }
    return value;
  }

  number(value: unknown, what: string, min = -Infinity, max = Infinity, minExclusive = false): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${what} must be a number, got ${describe(value)}`);
    if (value < min || value > max || (minExclusive && value === min)) {
      const low = minExclusive ? `> ${min}` : `>= ${min}`;
      const range = max === Infinity ? low : `in [${min}, ${max}]`;
      this.fail(`${what} must be ${range}, got ${describe(value)}`);
    }
    return value;
  }

  boolean(value: unknown, what: string): boolean {
    if (typeof value !== 'boolean') this.fail(`${what} must be true or false, got ${describe(value)}`);
    return value;
  }

  /** A number or an [h, w] pair of integers checked by `each`. */
  pair(value: unknown, what: string, each: (v: unknown, what: string) => number): Pair {
    if (Array.isArray(value)) {
      if (value.length !== 2) this.fail(`${what} must be a number or an [h, w] pair, got ${describe(value)}`);
      return [each(value[0], `${what}[0]`), each(value[1], `${what}[1]`)];
    }
    if (typeof value !== 'number') this.fail(`${what} must be a number or an [h, w] pair, got ${describe(value)}`);
    const n = each(value, what);
    return [n, n];
  }

  positivePair(value: unknown, what: string): Pair {
    return this.pair(value, what, (v, w) => this.positiveInt(v, w));
  }

  padding(value: unknown): PaddingSpec {
    if (value === 'same' || value === 'valid') return value;
    if (typeof value === 'string') this.fail(`padding must be a number, an [h, w] pair, 'same' or 'valid', got ${describe(value)}`);
    return this.pair(value, 'padding', (v, w) => this.nonNegativeInt(v, w));
  }

  name(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || /[/\s]/.test(value)) {
      this.fail(`name must be a non-empty string without '/' or spaces, got ${describe(value)}`);
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, what: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(`${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
    }
    return value as T;
  }

  /** The options object: absent, or a plain object whose keys are all known. */
  options(value: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(`options must be an object like { ${allowed[0]}: … }, got ${describe(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const list = allowed.length ? allowed.join(', ') : 'none';
        this.fail(`unknown option '${key}' (options: ${list})`);
      }
    }
    return value as Record<string, unknown>;
  }

  /** Rejects positional arguments beyond what the function takes (a common slip: conv2d(6, 5, 2)). */
  arity(args: IArguments | unknown[], max: number, usage: string): void {
    if (args.length > max) this.fail(`takes at most ${max} argument${max === 1 ? '' : 's'} (${usage}), got ${args.length}`);
  }
}
