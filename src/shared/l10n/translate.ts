// The pure route for user-visible text outside the extension host: analysis diagnostics, DSL
// errors, the CLI and the webviews pass their English to `tr`, with arguments. English is the source and the key;
// the active table (l10n/bundle.l10n.<locale>.json, the same file VS Code's `vscode.l10n.t`
// reads) maps it to the display language. Placeholders follow vscode.l10n.t: `{0}`, `{1}` for
// positional arguments, `{name}` for one object of named ones.
//
// The table is process-wide, set once at start by whoever knows the language (the extension
// from vscode.env.language, the CLI from LANG, a webview from its page): the pure rooms cannot
// ask for it, and threading a locale through every message would touch every caller.

type Args = (string | number | boolean)[] | [Record<string, string | number | boolean>];

let active: Readonly<Record<string, string>> = {};
let activeLanguage = 'en';

/** Makes `table` (English → `language`) the one `tr` reads; `{}` is English. */
export function useTranslations(table: Readonly<Record<string, string>>, language: string): void {
  active = table;
  activeLanguage = language;
}

/** The active language and table, for a host that hands them on (a webview's page). */
export function currentTranslations(): { language: string; table: Readonly<Record<string, string>> } {
  return { language: activeLanguage, table: active };
}

/** `message` in the active language, its placeholders filled from `args`. */
export function tr(message: string, ...args: Args): string {
  return formatMessage(active[message] ?? message, args);
}

function formatMessage(template: string, args: Args): string {
  if (args.length === 0) return template;
  const first = args[0];
  const named = args.length === 1 && typeof first === 'object' && first !== null ? first : null;
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const value = named ? named[key] : (args as (string | number | boolean)[])[Number(key)];
    return value === undefined ? whole : String(value);
  });
}
