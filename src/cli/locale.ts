// The CLI speaks the language of the user's locale, as other command-line tools do: the first
// of LC_ALL, LC_MESSAGES and LANG that is set (POSIX's order for messages), `zh_CN.UTF-8` read
// as VS Code's `zh-cn`. C, POSIX or nothing: English.

export function languageFromEnv(env: NodeJS.ProcessEnv): string {
  const value = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '') ?? '';
  const name = value.split(/[.@]/)[0]!;
  if (name === '' || name === 'C' || name === 'POSIX') return 'en';
  return name.replace(/_/g, '-').toLowerCase();
}
