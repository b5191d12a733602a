import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import {
  copyExamples, ensureChromium, packageExtension, ROOT, startCodeServer, type CodeServer,
} from '../../scripts/vscode-server';

// The end-to-end harness: the packaged extension in code-server (a real VS Code), driven through
// Debian's Chromium with Playwright as a user would: File: Open, the command palette, the mouse.
// One code-server per test file; every scenario leaves a screenshot, a failing one `-FAILED`.

export const SHOTS = path.join(ROOT, 'test-results', 'e2e-screenshots');
const log = (line: string) => console.error(`[e2e] ${line}`);

export interface Workbench {
  page: Page;
  workspace: string;
  server: CodeServer;
  browser: Browser;
  close(): Promise<void>;
}

let packaged: string | null = null;

/**
 * Packages the extension (once per process), starts code-server on a copy of examples/, opens it.
 * `env` joins code-server's environment, which the extension host and its trainers inherit; `locale`
 * is VS Code's display language (`zh-cn`), English when absent.
 */
export async function openWorkbench(settings: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}, locale?: string): Promise<Workbench> {
  const executablePath = ensureChromium(log);
  packaged ??= packageExtension(log);
  const workspace = copyExamples(fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-e2e-ws-')), settings);
  const server = await startCodeServer({
    vsix: packaged, log, userSettings: { 'security.workspace.trust.enabled': false },
    // Trainers on the torch engine share these two cores with code-server, Chromium and the
    // typing scenarios: PyTorch's OpenMP threads sleep instead of spinning between operations,
    // as docs/torch-engine.md advises on a busy machine (spinning threads starved the run).
    env: { OMP_WAIT_POLICY: 'PASSIVE', ...env },
    locale,
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(30_000);
    await page.goto(server.folderUrl(workspace));
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });
    const b = browser;
    return {
      page, workspace, server, browser: b,
      close: async () => {
        await b.close().catch(() => {});
        await server.stop();
        fs.rmSync(workspace, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw err;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Runs a scenario step; on failure leaves `<name>-FAILED.png` beside the others, then fails. */
export async function scenario(t: TestContext, wb: () => Workbench, name: string, body: (page: Page) => Promise<void>): Promise<void> {
  await t.test(name, async () => {
    const page = wb().page;
    try {
      await body(page);
      await screenshot(page, name);
    } catch (err) {
      const shot = await screenshot(page, `${name}-FAILED`).catch(() => '(no screenshot)');
      throw new Error(`${(err as Error).message}\nscreenshot: ${shot}`, { cause: err });
    }
  });
}

/** Puts the keyboard focus back in the workbench's first editor group (e.g. after a webview click). */
export async function focusFirstEditorGroup(page: Page): Promise<void> {
  // Already there: no click. The click's focus change is asynchronous, and when focus already
  // sits in the group the wait below cannot see it coming; it may land after the next F1 and
  // close that palette (what failed scenario 31 on CI).
  const focusedInFirstGroup = () => {
    const group = document.querySelector('.editor-group-container');
    return group != null && group.contains(document.activeElement) && document.activeElement?.closest('.monaco-editor') != null;
  };
  if (await page.evaluate(focusedInFirstGroup)) return;
  await page.locator('.editor-group-container .tabs-container').first().click({ position: { x: 5, y: 5 }, force: true })
    .catch(() => {});
  await page.keyboard.press('Control+1');
  // The workbench moves focus asynchronously after a click; a palette opened before it lands
  // is closed by the focus change. Wait until focus is inside the first group (an empty group
  // has nothing to focus: then go on).
  await page.waitForFunction(() => {
    const group = document.querySelector('.editor-group-container');
    return !group || !group.querySelector('.monaco-editor') || group.contains(document.activeElement);
  }, undefined, { timeout: 5_000 }).catch(() => {});
}

/**
 * Opens a workspace file as a user does with File: Open File… (Ctrl+O): the dialog starts in the
 * workspace folder, the file's name is typed after it, Enter. Not Quick Open: its file list comes
 * from the workbench's search index, which may not be ready for seconds after a window opens (a
 * scenario once waited 30 s for a file it never listed).
 */
export async function openFile(page: Page, relative: string): Promise<void> {
  await focusFirstEditorGroup(page);
  await page.keyboard.press('Escape');
  await runCommand(page, 'File: Open File...');
  const input = page.locator('.quick-input-widget input');
  // The dialog lists the folder from the file system, then sets its path in the box: typing
  // before the listing is there would be overwritten.
  const first = relative.split('/')[0]!;
  await page.locator('.quick-input-list .monaco-list-row', { hasText: first }).first().waitFor();
  const start = await input.inputValue();
  await input.fill(`${start.endsWith('/') ? start : `${start}/`}${relative}`);
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${path.basename(relative)}"]`).first().waitFor();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // The dialog hands focus to the opened editor a moment later; a user types only once the
  // cursor is there, and so do the scenarios.
  await page.waitForFunction(() => document.activeElement?.closest('.editor-group-container.active .monaco-editor') != null);
}

/**
 * F1, the command's title, a click on its row (fuzzy matching may rank another command first).
 * A palette that a late focus change closed before its row was clicked (CI once saw it close
 * between the typing and the click: its row went inert, then hidden) is opened again, as a user
 * would: typing into a closed palette would type into the editor, and a click on a closing one
 * lands nowhere. The click keeps its full timeout: one that timed out never reached the row
 * (a short one may time out after its click landed, and the command would run twice).
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const row = quickPickRow(page, title);
  const closed = () => widget.evaluate((el) => el.hasAttribute('inert') || getComputedStyle(el).display === 'none');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor();
    try {
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.click();
      return;
    } catch (err) {
      if (attempt === 3 || !await closed()) throw err;
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function quickPickRow(page: Page, label: string) {
  return page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}`) }).first();
}

/** Clicks the Quick Pick row whose label starts with `label` (after an icon's space). */
export async function pickRow(page: Page, label: string): Promise<void> {
  await quickPickRow(page, label).click();
}

/** Shows the hover at the active editor's cursor (Ctrl+K Ctrl+I), as a keyboard user would. */
export async function showHover(page: Page): Promise<void> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
}

/** The frame of the webview that has `selector` in it (webviews are nested iframes). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview shows ${selector}`);
}

/** Moves the active editor's cursor to line:column through Quick Open's `:line:column`. */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).first().waitFor();
}

/** Answers Train Model's "Change epochs…" boxes: the given epochs, the file's batch size and learning rate. */
export async function trainWithEpochs(page: Page, epochs: number): Promise<void> {
  await page.locator('.quick-input-widget input[placeholder="Train Model"]').waitFor();
  await pickRow(page, 'Change epochs');
  // Each box is waited for by its prompt.
  for (const [prompt, value] of [['Epochs', String(epochs)], ['Batch size', ''], ['Learning rate', '']] as const) {
    await page.locator('.quick-input-widget', { hasText: `${prompt} (empty: the file's value)` }).waitFor();
    await page.locator('.quick-input-widget input').fill(value);
    await page.keyboard.press('Enter');
  }
}

/** The Runs view's webview frame (the view must be showing: see showRunsView). */
export const runsView = (page: Page): Promise<Frame> => webviewFrame(page, '.runs-list');

/**
 * Shows the Runs view as a user does, by its activity bar icon, unless the side bar shows it
 * already (the icon toggles it). Not the view's Focus command: the palette lists it only once
 * the extension is active, which a window without a model file open has no reason to be.
 */
export async function showRunsView(page: Page): Promise<Frame> {
  const title = page.locator('.part.sidebar .composite.title', { hasText: 'CNN Explorer' });
  // The icon toggles: a side bar read as hidden a moment before the workbench showed it is
  // closed by the click (a loaded run once ended so: side bar closed, the icon still active).
  // Then the title stays hidden, and the state is read and the icon clicked again, as a user would.
  for (let attempt = 1; !await title.isVisible(); attempt++) {
    await page.keyboard.press('Escape'); // a palette or a modal left open would take the click
    await page.locator('.activitybar [aria-label^="CNN Explorer"]').first().click();
    try {
      await title.waitFor({ timeout: 10_000 });
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
  return runsView(page);
}

/**
 * Trains with the CLI into the workspace's runs folder (which the editor watches), for a scenario
 * that needs runs to exist whatever the scenarios before it did. Returns each run's id and
 * status (a failed run too: its `--json` line is printed all the same).
 */
export function trainWithCli(wb: Workbench, file: string, args: string[]): { runId: string; status: string }[] {
  const { stdout } = spawnSync(process.execPath, [
    path.join(ROOT, 'dist', 'cli.js'), 'train', path.join(wb.workspace, file), ...args,
    '--runs-dir', path.join(wb.workspace, '.cnn-runs'), '--json',
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return stdout.split('\n').filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { runId: string; status: string });
}

/**
 * Stops every run still training in the workspace (as `kill` would: SIGTERM to run.json's pid,
 * which the trainer takes as Stop) and waits until the editor no longer follows one, so that a
 * scenario that starts a run does not meet "A run is still training" left by one that failed.
 */
export async function stopLiveRuns(page: Page, wb: Workbench): Promise<void> {
  const runsDir = path.join(wb.workspace, '.cnn-runs');
  const live = (fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []).flatMap((id) => {
    try {
      const record = JSON.parse(fs.readFileSync(path.join(runsDir, id, 'run.json'), 'utf8')) as { status: string; pid: number | null };
      return record.status === 'running' && record.pid ? [{ id, pid: record.pid }] : [];
    } catch {
      return [];
    }
  });
  for (const run of live) {
    try { process.kill(run.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  await page.locator('.statusbar-item', { hasText: /\sepoch\s\d+\/\d+/ }).first().waitFor({ state: 'detached', timeout: 60_000 });
}
