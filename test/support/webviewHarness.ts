import * as fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// Serves a real webview bundle in headless Chromium on the page the extension builds (same HTML,
// same CSP), with only VS Code's transport stubbed: `acquireVsCodeApi` records what the view
// posts and keeps its state; the test posts what the extension would. Each view's harness
// (graph, compare, sidebar) adds its bundle and messages on top.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ORIGIN = 'https://webview.test';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the webview tests and was not found at ${CHROMIUM}. ` +
      'Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH.');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

export interface ServedFile { type: string; body: string }

export interface WebviewPageOptions {
  /** The page's HTML, as the extension builds it (asset URLs under ORIGIN). */
  html: string;
  /** Files by path under ORIGIN, e.g. `/graph.js`. */
  files: Record<string, ServedFile>;
  /** A stylesheet of VS Code theme variables, linked after the view's own (screenshots). */
  themeCss?: string;
  /** What `getState()` returns at start (a reloaded webview). */
  savedState?: unknown;
  viewport?: { width: number; height: number };
  /** For the error when the view never says it is ready. */
  name: string;
}

export interface WebviewPage<ToView, FromView> {
  page: Page;
  send(message: ToView): Promise<void>;
  posted(): Promise<FromView[]>;
  state(): Promise<unknown>;
  /** CSP violations seen by the page (should stay empty). */
  violations(): Promise<string[]>;
  /** Page errors (uncaught exceptions) and console errors. */
  errors: string[];
}

export async function openWebviewPage<ToView, FromView>(browser: Browser, opts: WebviewPageOptions): Promise<WebviewPage<ToView, FromView>> {
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1200, height: 800 } });
  page.setDefaultTimeout(5_000); // a missing element fails fast, not after Playwright's 30 s
  const html = opts.themeCss ? opts.html.replace('</head>', `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n</head>`) : opts.html;
  const files: Record<string, ServedFile> = {
    ...opts.files,
    '/index.html': { type: 'text/html', body: html },
    '/theme.css': { type: 'text/css', body: opts.themeCss ?? '' },
  };
  await page.route(`${ORIGIN}/**`, (route) => {
    const file = files[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ status: 200, contentType: file.type, body: file.body }) : route.fulfill({ status: 404 });
  });
  // A string, not a function: the test runner's transpiler would wrap nested functions in
  // helpers that do not exist in the page.
  await page.addInitScript(`(() => {
    const posted = [];
    const violations = [];
    let state = ${JSON.stringify(opts.savedState ?? null)} ?? undefined;
    window.__posted = posted;
    window.__violations = violations;
    window.__state = () => state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => posted.push(m),
      getState: () => state,
      setState: (s) => { state = s; },
    });
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  })();`);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${ORIGIN}/index.html`);
  try {
    await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted).some((m) => m.type === 'ready'),
      undefined, { timeout: 15_000 });
  } catch (err) {
    throw new Error(`the ${opts.name} webview did not post 'ready': ${errors.join('\n') || String(err)}`, { cause: err });
  }
  return {
    page,
    errors,
    send: (message) => page.evaluate((m: unknown) => window.postMessage(m, '*'), message as unknown),
    posted: () => page.evaluate(() => (window as unknown as { __posted: FromView[] }).__posted) as Promise<FromView[]>,
    state: () => page.evaluate(() => (window as unknown as { __state: () => unknown }).__state()),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  };
}
