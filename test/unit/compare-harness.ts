import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { compareHtml } from '../../src/extension/compare/html';
import type { CompareToExtension, ExtensionToCompare } from '../../src/shared/messages';
import { launchChromium } from './graph-harness';

// Runs the real compare webview bundle (script and stylesheet) in headless Chromium on the page
// the extension serves (same HTML, same CSP); only VS Code's transport is stubbed, as in the
// graph harness (whose Chromium launcher this reuses).

export { launchChromium };

const ROOT = path.resolve(__dirname, '..', '..');
const ORIGIN = 'https://compare.test';

/** A dark VS Code theme's variables, enough for readable screenshots. */
export const THEME_CSS = `:root {
  --vscode-editor-background: #1e1e1e; --vscode-foreground: #cccccc; --vscode-font-family: sans-serif;
  --vscode-font-size: 13px; --vscode-editorWidget-background: #252526; --vscode-editorWidget-border: #454545;
  --vscode-descriptionForeground: #9d9d9d; --vscode-focusBorder: #0078d4; --vscode-errorForeground: #f48771;
  --vscode-charts-blue: #3794ff; --vscode-charts-green: #89d185; --vscode-charts-purple: #b180d7;
  --vscode-charts-yellow: #cca700; --vscode-charts-orange: #d18616; --vscode-charts-red: #f14c4c;
  --vscode-panel-border: #2b2b2b; --vscode-editorLineNumber-foreground: #858585;
  --vscode-diffEditor-insertedTextBackground: rgba(156, 204, 44, 0.2);
  --vscode-button-background: #0e639c; --vscode-button-foreground: #ffffff;
  --vscode-button-secondaryBackground: #3a3d41; --vscode-button-secondaryForeground: #cccccc;
  --vscode-badge-background: #4d4d4d; --vscode-badge-foreground: #ffffff;
}
body { background: #1e1e1e; }`;

export interface CompareBundle {
  js: string;
  css: string;
}

export async function buildCompareBundle(): Promise<CompareBundle> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview/compare/main.ts')],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent',
    outdir: '/compare-out',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))!.text;
  return { js, css };
}

export interface ComparePage {
  page: Page;
  send(message: ExtensionToCompare): Promise<void>;
  posted(): Promise<CompareToExtension[]>;
  state(): Promise<unknown>;
  violations(): Promise<string[]>;
  errors: string[];
}

export async function openComparePage(browser: Browser, bundle: CompareBundle, opts: { theme?: boolean; viewport?: { width: number; height: number } } = {}): Promise<ComparePage> {
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 900 } });
  const html = compareHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/compare.js`, styleUri: `${ORIGIN}/compare.css` });
  const files: Record<string, { type: string; body: string }> = {
    '/index.html': { type: 'text/html', body: opts.theme ? html.replace('</head>', `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n</head>`) : html },
    '/compare.js': { type: 'text/javascript', body: bundle.js },
    '/compare.css': { type: 'text/css', body: bundle.css },
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
    let state;
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
  await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted).some((m) => m.type === 'ready'),
    undefined, { timeout: 15_000 });
  return {
    page,
    errors,
    send: (message) => page.evaluate((m: unknown) => window.postMessage(m, '*'), message as unknown),
    posted: () => page.evaluate(() => (window as unknown as { __posted: CompareToExtension[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: () => unknown }).__state()),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  };
}
