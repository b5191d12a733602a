import { tr } from '../shared/l10n/translate';
import { LocatedError } from './errors';
import type { Pair, PaddingSpec, SourceRange } from './ir';

// Checks shared by every DSL function. Each failure is a LocatedError at the user's call, in the
// active language (`tr`; in the evaluation realm, the table the loader hands it): argument names
// and values stay as written.

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return tr('an object');
}

export class Checker {
  constructor(readonly fn: string, readonly at: SourceRange | null) {}

  fail(message: string): never {
    throw new LocatedError(tr('{0}: {1}', this.fn, message), this.at);
  }

  /** A positive integer (sizes, counts). */
  positiveInt(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      this.fail(tr('{0} must be a positive integer, got {1}', what, describe(value)));
    }
    return value;
  }

  nonNegativeInt(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.fail(tr('{0} must be a non-negative integer, got {1}', what, describe(value)));
    }
    return value;
  }

  number(value: unknown, what: string, min = -Infinity, max = Infinity, minExclusive = false): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(tr('{0} must be a number, got {1}', what, describe(value)));
    if (value < min || value > max || (minExclusive && value === min)) {
      const got = describe(value);
      if (max !== Infinity) this.fail(tr('{0} must be in [{1}, {2}], got {3}', what, min, max, got));
      this.fail(minExclusive ? tr('{0} must be > {1}, got {2}', what, min, got) : tr('{0} must be >= {1}, got {2}', what, min, got));
    }
    return value;
  }

  boolean(value: unknown, what: string): boolean {
    if (typeof value !== 'boolean') this.fail(tr('{0} must be true or false, got {1}', what, describe(value)));
    return value;
  }

  /** A number or an [h, w] pair of integers checked by `each`. */
  pair(value: unknown, what: string, each: (v: unknown, what: string) => number): Pair {
    if (Array.isArray(value)) {
      if (value.length !== 2) this.fail(tr('{0} must be a number or an [h, w] pair, got {1}', what, describe(value)));
      return [each(value[0], `${what}[0]`), each(value[1], `${what}[1]`)];
    }
    if (typeof value !== 'number') this.fail(tr('{0} must be a number or an [h, w] pair, got {1}', what, describe(value)));
    const n = each(value, what);
    return [n, n];
  }

  positivePair(value: unknown, what: string): Pair {
    return this.pair(value, what, (v, w) => this.positiveInt(v, w));
  }

  padding(value: unknown): PaddingSpec {
    if (value === 'same' || value === 'valid') return value;
    if (typeof value === 'string') this.fail(tr("padding must be a number, an [h, w] pair, 'same' or 'valid', got {0}", describe(value)));
    return this.pair(value, 'padding', (v, w) => this.nonNegativeInt(v, w));
  }

  name(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || /[/\s]/.test(value)) {
      this.fail(tr("name must be a non-empty string without '/' or spaces, got {0}", describe(value)));
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, what: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(tr('{0} must be one of {1}, got {2}', what, allowed.map((a) => `'${a}'`).join(', '), describe(value)));
    }
    return value as T;
  }

  /** The options object: absent, or a plain object whose keys are all known. */
  options(value: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(tr('options must be an object like { {0}: … }, got {1}', allowed[0] ?? '', describe(value)));
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const list = allowed.length ? allowed.join(', ') : tr('none');
        this.fail(tr("unknown option '{0}' (options: {1})", key, list));
      }
    }
    return value as Record<string, unknown>;
  }

  /** Rejects positional arguments beyond what the function takes (a common slip: conv2d(6, 5, 2)). */
  arity(args: IArguments | unknown[], max: number, usage: string): void {
    if (args.length <= max) return;
    this.fail(max === 1
      ? tr('takes at most {0} argument ({1}), got {2}', max, usage, args.length)
      : tr('takes at most {0} arguments ({1}), got {2}', max, usage, args.length));
  }
}
