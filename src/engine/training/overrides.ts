// `--set key.path=value` and the other command-line overrides of the training block.
import { LocatedError } from '../../dsl/errors';

export interface Override {
  path: string[];
  value: unknown;
  /** How the user wrote it, for messages: `--set optimizer.lr=-1`, `--epochs 0`. */
  label: string;
}

/**
 * A JSON-ish value as typed on a command line: JSON (`0.1`, `true`, `[30, 60]`), JSON with
 * single quotes or bare keys (`{type:'sgd',lr:0.1}`), or else the text itself as a string
 * (`--set optimizer.type=sgd`).
 */
export function parseValue(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch { /* not strict JSON */ }
  if (/^[[{]/.test(trimmed)) {
    const relaxed = trimmed
      .replace(/'((?:[^'\\]|\\.)*)'/g, (_, s: string) => JSON.stringify(s.replace(/\\'/g, "'")))
      .replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":')
      .replace(/,\s*([}\]])/g, '$1');
    try {
      return JSON.parse(relaxed);
    } catch {
      throw new LocatedError(`cannot read '${text}' as a value (write JSON, e.g. {"type":"sgd","lr":0.1})`);
    }
  }
  return trimmed.replace(/^'(.*)'$/s, '$1');
}

/** `optimizer.lr=0.1` → an override of optimizer.lr. */
export function parseSetArgument(arg: string): Override {
  const eq = arg.indexOf('=');
  const label = `--set ${arg}`;
  const key = eq < 0 ? '' : arg.slice(0, eq).trim();
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$0-9][\w$]*)*$/.test(key)) {
    throw new LocatedError(`${label}: expected key.path=value, e.g. --set optimizer.lr=0.01`);
  }
  try {
    return { path: key.split('.'), value: parseValue(arg.slice(eq + 1)), label };
  } catch (err) {
    throw new LocatedError(`${label}: ${(err as Error).message}`);
  }
}

/** Writes `value` at `path` in a copy of `target`, creating (or replacing non-object) parents. */
export function applyOverride(target: Record<string, unknown>, o: Override): Record<string, unknown> {
  const root: Record<string, unknown> = { ...target };
  let at = root;
  o.path.forEach((key, i) => {
    if (i === o.path.length - 1) {
      // undefined (a sweep's `null`) removes the key, so the default applies.
      if (o.value === undefined) delete at[key];
      else at[key] = o.value;
      return;
    }
    const next = at[key];
    const copy = (Array.isArray(next) ? [...next] : typeof next === 'object' && next !== null ? { ...next } : {}) as Record<string, unknown>;
    at[key] = copy;
    at = copy;
  });
  return root;
}
