import zhCn from '../../../l10n/bundle.l10n.zh-cn.json';

// The translation tables, one per display language CNN Explorer speaks besides English. They
// are VS Code's own l10n bundles (package.json `l10n`), so that `vscode.l10n.t` in the extension
// host and `tr` everywhere else read one file: a string is translated in one place.

const BUNDLES: Readonly<Record<string, Readonly<Record<string, string>>>> = { 'zh-cn': zhCn };
/** Other names of a language that has a table (Simplified Chinese is also written so). */
const ALIASES: Readonly<Record<string, string>> = { zh: 'zh-cn', 'zh-hans': 'zh-cn', 'zh-sg': 'zh-cn', 'zh-hans-cn': 'zh-cn' };

/** The table for a VS Code language id (`zh-cn`, `en`, `de`…); `{}` (English) when there is none. */
export function translationsFor(language: string): Readonly<Record<string, string>> {
  const lang = language.toLowerCase();
  return BUNDLES[ALIASES[lang] ?? lang] ?? {};
}
