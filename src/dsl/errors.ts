import type { SourceRange } from './ir';

/**
 * An error a user caused, with where they caused it. Everything user-facing (CLI, diagnostics)
 * prints these as `file:line:column: message`; anything else is a bug and keeps its stack.
 */
export class LocatedError extends Error {
  constructor(message: string, readonly location: SourceRange | null = null) {
    super(message);
    this.name = 'LocatedError';
  }
}

export function formatLocation(loc: SourceRange | null): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

export function formatError(err: LocatedError): string {
  const where = formatLocation(err.location);
  return where ? `${where}: ${err.message}` : err.message;
}
