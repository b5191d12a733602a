import * as path from 'node:path';

/** Shortens absolute paths under the working directory at the start of a message. */
export function relativeToCwd(message: string): string {
  const cwd = process.cwd() + path.sep;
  return message.startsWith(cwd) ? message.slice(cwd.length) : message;
}
