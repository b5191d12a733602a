import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { analyzeModel } from '../../src/analysis/index';
import type { AnalyzedModel } from '../../src/analysis/types';
import { graphHtml } from '../../src/extension/graph/html';
import { loadModelFile, selectModel } from '../../src/loader/index';
import type { ExtensionToGraph, GraphToExtension } from '../../src/shared/messages';
import { CHROMIUM, launchChromium, openWebviewPage, ORIGIN, type WebviewPage } from './webviewHarness';
import { REPO_ROOT } from './paths';

export { CHROMIUM, launchChromium };

// Runs the real graph webview bundle in headless Chromium, on the page the extension builds
// (same HTML, same CSP), with only VS Code's transport stubbed: `acquireVsCodeApi` records what
// the view posts, and the test posts what the extension would. Shared by the graph tests and
// `npm run bench:graph`.

const ROOT = REPO_ROOT;

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
  return buildBrowserBundle('webview/graph/main.ts');
}

async function buildBrowserBundle(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** The layout worker's bundle (esbuild.mjs: dist/webview/graphLayout.js), built once per process. */
let layoutWorkerBundle: Promise<string> | undefined;

export type GraphPage = WebviewPage<ExtensionToGraph, GraphToExtension>;

export interface PageOptions {
  /** What `getState()` returns at start (a reloaded webview). */
  savedState?: unknown;
  theme?: boolean;
  viewport?: { width: number; height: number };
  /** false: the layout worker's script is not served (a 404), as where it cannot be fetched. */
  layoutWorker?: boolean;
}

/**
 * The layout worker's bundle is served beside the view's script, where the view fetches it.
 * The page's origin is the resources' here, unlike in VS Code, but the view starts the worker
 * from a Blob URL either way, so the CSP it needs is the one VS Code needs.
 */
export async function openGraphPage(browser: Browser, bundle: string, opts: PageOptions = {}): Promise<GraphPage> {
  layoutWorkerBundle ??= buildBrowserBundle('webview/graph/layoutWorker.ts');
  const layoutWorker = await layoutWorkerBundle;
  return openWebviewPage(browser, {
    name: 'graph',
    html: graphHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/graph.js`, styleUri: `${ORIGIN}/graph.css` }),
    files: {
      '/graph.js': { type: 'text/javascript', body: bundle },
      ...(opts.layoutWorker === false ? {} : { '/graphLayout.js': { type: 'text/javascript', body: layoutWorker } }),
      '/graph.css': { type: 'text/css', body: fs.readFileSync(path.join(ROOT, 'media/graph.css'), 'utf8') },
    },
    themeCss: opts.theme ? THEME_CSS : undefined,
    savedState: opts.savedState,
    viewport: opts.viewport,
  });
}

/** An example model, loaded and analysed exactly as the extension does. */
export async function analyzedExample(name: string): Promise<{ file: string; graph: AnalyzedModel }> {
  const file = path.join(ROOT, 'examples', `${name}.cnn.ts`);
  return analyzedFile(file);
}

export async function analyzedFile(file: string, text?: string): Promise<{ file: string; graph: AnalyzedModel }> {
  const loaded = await loadModelFile(file, { text });
  const { exportName, model } = selectModel(loaded);
  return { file, graph: { exportName, model, analysis: analyzeModel(model) } };
}

/** The `update` message the extension posts for a model. */
export function updateMessage(file: string, graph: AnalyzedModel | null, extra: Partial<Extract<ExtensionToGraph, { type: 'update' }>> = {}): ExtensionToGraph {
  return {
    type: 'update', documentUri: `file://${file}`, documentLabel: path.basename(file),
    exports: graph ? [graph.exportName] : [], graph, stale: false, error: null, ...extra,
  };
}
