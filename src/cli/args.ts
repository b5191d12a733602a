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
