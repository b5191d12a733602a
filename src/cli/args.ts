import { parseArgs, type ParseArgsConfig } from 'node:util';
import { tr } from '../shared/l10n/translate';

/** A mistake in how the command was called; printed with the command's usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `usage: cnn-explorer <usage>`, the last line of every usage error (in the locale's language). */
export function usageLine(usage: string): string {
  return tr('usage: {0}', `cnn-explorer ${usage}`);
}

/** `missing FILE` or `one FILE at a time`, for commands that take one file. */
export function oneFileProblem(count: number): string {
  return count === 0 ? tr('missing FILE') : tr('one FILE at a time');
}

/** node:util's parseArgs, with its errors turned into one line and the usage. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}\n${usageLine(usage)}`);
  }
}

/** A flag's integer of at least `min` (absent: undefined); anything else is a UsageError with the usage. */
export function integerFlag(flag: string, value: string | undefined, min: number, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) {
    const problem = min === 1 ? tr("{0} must be a positive integer, got '{1}'", flag, value) : tr("{0} must be an integer of at least {1}, got '{2}'", flag, min, value);
    throw new UsageError(`${problem}\n${usageLine(usage)}`);
  }
  return n;
}

/** A flag that takes one of `choices` (absent: undefined); anything else is a UsageError with the usage. */
export function choiceFlag<C extends string>(flag: string, value: string | undefined, choices: readonly C[], usage: string): C | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as C;
  throw new UsageError(`${tr("{0} must be one of {1}, got '{2}'", flag, choices.join(', '), value)}\n${usageLine(usage)}`);
}
