import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { analyzeModel } from '../../src/analysis/index';
import { graphHtml } from '../../src/extension/graph/html';
import { loadModelFile, selectModel } from '../../src/loader/index';
import type { ExtensionToGraph, GraphModel, GraphToExtension } from '../../src/shared/messages';

// Runs the real graph webview bundle in headless Chromium, on the page the extension builds
// (same HTML, same CSP), with only VS Code's transport stubbed: `acquireVsCodeApi` records what
// the view posts, and the test posts what the extension would. Shared by the graph tests and
// `npm run bench:graph`.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const ORIGIN = 'https://graph.test';

/** Just enough of a dark VS Code theme to make screenshots readable (tests do not need it). */
const THEME_CSS = `:root {
  --vscode-editor-background: #1e1e1e; --vscode-foreground: #cccccc; --vscode-font-family: sans-serif;
  --vscode-font-size: 13px; --vscode-editorWidget-background: #252526; --vscode-editorWidget-border: #454545;
  --vscode-descriptionForeground: #9d9d9d; --vscode-focusBorder: #0078d4; --vscode-errorForeground: #f48771;
  --vscode-editorError-foreground: #f14c4c; --vscode-charts-blue: #3794ff; --vscode-charts-green: #89d185;
  --vscode-charts-purple: #b180d7; --vscode-charts-yellow: #cca700; --vscode-charts-orange: #d18616;
  --vscode-charts-red: #f14c4c; --vscode-textLink-foreground: #3794ff; --vscode-panel-border: #2b2b2b;
  --vscode-editorHoverWidget-background: #252526; --vscode-editorHoverWidget-border: #454545;
  --vscode-inputValidation-errorBackground: #5a1d1d; --vscode-inputValidation-errorBorder: #be1100;
  --vscode-editor-findMatchHighlightBackground: rgba(234, 92, 0, 0.33);
}`;

export async function buildGraphBundle(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview/graph/main.ts')],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the graph webview tests and was not found at ${CHROMIUM}. ` +
      'Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH.');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

export interface GraphPage {
  page: Page;
  send(message: ExtensionToGraph): Promise<void>;
  posted(): Promise<GraphToExtension[]>;
  /** CSP violations seen by the page (should stay empty). */
  violations(): Promise<string[]>;
  /** Page errors (uncaught exceptions) and console errors. */
  errors: string[];
}

export interface PageOptions {
  /** What `getState()` returns at start (a reloaded webview). */
  savedState?: unknown;
  theme?: boolean;
  viewport?: { width: number; height: number };
}

export async function openGraphPage(browser: Browser, bundle: string, opts: PageOptions = {}): Promise<GraphPage> {
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1200, height: 800 } });
  page.setDefaultTimeout(5_000); // a missing element fails fast, not after Playwright's 30 s
  const css = fs.readFileSync(path.join(ROOT, 'media/graph.css'), 'utf8');
  const html = graphHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/graph.js`, styleUri: `${ORIGIN}/graph.css` });
  const files: Record<string, { type: string; body: string }> = {
    '/index.html': { type: 'text/html', body: opts.theme ? html.replace('</head>', `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n</head>`) : html },
    '/graph.js': { type: 'text/javascript', body: bundle },
    '/graph.css': { type: 'text/css', body: css },
    '/theme.css': { type: 'text/css', body: THEME_CSS },
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
    throw new Error(`the graph webview did not post 'ready': ${errors.join('\n') || String(err)}`);
  }
  return {
    page,
    errors,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: GraphToExtension[] }).__posted),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  };
}

/** An example model, loaded and analysed exactly as the extension does. */
export async function analyzedExample(name: string): Promise<{ file: string; graph: GraphModel }> {
  const file = path.join(ROOT, 'examples', `${name}.cnn.ts`);
  return analyzedFile(file);
}

export async function analyzedFile(file: string, text?: string): Promise<{ file: string; graph: GraphModel }> {
  const loaded = await loadModelFile(file, { text });
  const { exportName, model } = selectModel(loaded);
  return { file, graph: { exportName, model, analysis: analyzeModel(model) } };
}

/** The `update` message the extension posts for a model. */
export function updateMessage(file: string, graph: GraphModel | null, extra: Partial<Extract<ExtensionToGraph, { type: 'update' }>> = {}): ExtensionToGraph {
  return {
    type: 'update', documentUri: `file://${file}`, documentLabel: path.basename(file),
    exports: graph ? [graph.exportName] : [], graph, stale: false, error: null, ...extra,
  };
}
