import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { compareHtml } from '../../src/extension/compare/html';
import type { CompareToExtension, ExtensionToCompare } from '../../src/shared/messages';
import { launchChromium, openWebviewPage, ORIGIN, type WebviewPage } from './webviewHarness';
import { REPO_ROOT } from './paths';

// Runs the real compare webview bundle (script and stylesheet) in headless Chromium on the page
// the extension serves (same HTML, same CSP); only VS Code's transport is stubbed, as in the
// graph harness (both on webviewHarness.ts).

export { launchChromium };

const ROOT = REPO_ROOT;

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

export type ComparePage = WebviewPage<ExtensionToCompare, CompareToExtension>;

export async function openComparePage(browser: Browser, bundle: CompareBundle, opts: { theme?: boolean; viewport?: { width: number; height: number } } = {}): Promise<ComparePage> {
  return openWebviewPage(browser, {
    name: 'compare',
    html: compareHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/compare.js`, styleUri: `${ORIGIN}/compare.css` }),
    files: {
      '/compare.js': { type: 'text/javascript', body: bundle.js },
      '/compare.css': { type: 'text/css', body: bundle.css },
    },
    themeCss: opts.theme ? THEME_CSS : undefined,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
  });
}
