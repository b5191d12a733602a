import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called; printed with the command's usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util's parseArgs, with its errors turned into one line and the usage. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}\nusage: cnn-explorer ${usage}`);
  }
}

/** A flag's integer of at least `min` (absent: undefined); anything else is a UsageError with the usage. */
export function integerFlag(flag: string, value: string | undefined, min: number, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) {
    const wanted = min === 1 ? 'a positive integer' : `an integer of at least ${min}`;
    throw new UsageError(`${flag} must be ${wanted}, got '${value}'\nusage: cnn-explorer ${usage}`);
  }
  return n;
}

/** A flag that takes one of `choices` (absent: undefined); anything else is a UsageError with the usage. */
export function choiceFlag<C extends string>(flag: string, value: string | undefined, choices: readonly C[], usage: string): C | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as C;
  throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got '${value}'\nusage: cnn-explorer ${usage}`);
}
