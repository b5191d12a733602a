import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../support/paths';

// The editor's conventions, held by package.json's `contributes`: every command has an icon (the
// title bar and menus show it) and is listed in the palette only where it applies; what the
// menus, keybindings and the walkthrough name exists; a keybinding acts only in a model file's
// editor or while CNN Explorer's own context holds.

interface Command { command: string; icon?: unknown }
interface MenuItem { command: string; when?: string }
interface Keybinding { command: string; key: string; when?: string }
interface Step { description: string; media: Record<string, unknown>; completionEvents?: string[] }
interface Manifest {
  contributes: {
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    keybindings: Keybinding[];
    walkthroughs: { steps: Step[] }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const english = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const { commands, menus, keybindings, walkthroughs } = manifest.contributes;
const declared = new Set(commands.map((c) => c.command));
/** Commands that apply wherever the palette is open. */
const EVERYWHERE = new Set(['cnnExplorer.newModelFile']);

/** A manifest string as users read it (`%key%` looked up in package.nls.json). */
const text = (s: string) => (/^%[^%]+%$/.test(s) ? english[s.slice(1, -1)] ?? s : s);

function extensionSources(): string {
  const dir = path.join(REPO_ROOT, 'src', 'extension');
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

test('every command has a codicon and a palette `when` clause, unless it applies everywhere', () => {
  const noIcon = commands.filter((c) => typeof c.icon !== 'string' || !/^\$\([\w-]+\)$/.test(c.icon)).map((c) => c.command);
  assert.deepEqual(noIcon, [], 'commands without a $(codicon) icon');
  const palette = new Map((menus.commandPalette ?? []).map((m) => [m.command, m.when]));
  const unscoped = commands.map((c) => c.command).filter((id) => !EVERYWHERE.has(id) && !palette.get(id)?.trim());
  assert.deepEqual(unscoped, [], 'commands listed in the palette everywhere (add a commandPalette entry with `when`)');
});

test('menus, keybindings and the walkthrough name declared commands, and each declared command is registered', () => {
  const named = [
    ...Object.values(menus).flat().map((m) => m.command),
    ...keybindings.map((k) => k.command),
    ...walkthroughs.flatMap((w) => w.steps).flatMap((s) => [
      ...[...text(s.description).matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!),
      ...(s.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)),
    ]),
  ];
  assert.deepEqual([...new Set(named.filter((id) => !declared.has(id)))], [], 'named but not in contributes.commands');
  const sources = extensionSources();
  assert.deepEqual([...declared].filter((id) => !sources.includes(`'${id}'`)), [], 'declared but registered nowhere in src/extension');
});

test("the context keys the `when` clauses read are set by the extension", () => {
  const clauses = [...Object.values(menus).flat(), ...keybindings].map((m) => m.when ?? '');
  // Quoted values (`activeWebviewPanelId == 'cnnExplorer.graph'`) are not keys.
  const keys = [...new Set(clauses.flatMap((w) => [...w.replace(/'[^']*'/g, '').matchAll(/\bcnnExplorer\.\w+/g)].map((m) => m[0])))];
  const sources = extensionSources();
  assert.deepEqual(keys.filter((k) => !new RegExp(`'setContext',\\s*'${k.replace('.', '\\.')}'`).test(sources)), [], 'context keys nobody sets');
});

test('keybindings act only in a model file or while CNN Explorer trains', () => {
  const global = keybindings.filter((k) => !/\\\.cnn\\\.ts|cnnExplorer\.training/.test(k.when ?? '')).map((k) => `${k.key} → ${k.command}`);
  assert.deepEqual(global, [], 'keybindings without a when clause that limits them');
});

test("the walkthrough's step pages are in the repository and on the package's allowlist", () => {
  const media = walkthroughs.flatMap((w) => w.steps).flatMap((s) => Object.values(s.media).filter((v): v is string => typeof v === 'string'));
  assert.ok(media.length > 0);
  for (const file of media) assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), `${file} exists`);
  const allowlist = fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8');
  for (const dir of new Set(media.map((m) => path.posix.dirname(m)))) {
    assert.match(allowlist, new RegExp(`^!${dir.replace(/[.*]/g, '\\$&')}/`, 'm'), `.vscodeignore lets ${dir}/ in`);
  }
});
