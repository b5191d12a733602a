import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { sweepHtml } from '../../src/extension/sweep/html';
import { SWEEP_METRICS, type ExtensionToSweep, type SweepRun, type SweepTable, type SweepToExtension } from '../../src/shared/messages';
import { THEME_CSS } from './compareHarness';
import { REPO_ROOT } from './paths';
import { openWebviewPage, ORIGIN, type WebviewPage } from './webviewHarness';

// Runs the real sweep webview bundle in headless Chromium on the page the extension serves
// (same HTML, same CSP), as the compare harness does; and makes sweeps of any size to feed it.

export interface SweepBundle { js: string; css: string }

export async function buildSweepBundle(): Promise<SweepBundle> {
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'webview/sweep/main.ts')],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent', outdir: '/sweep-out',
  });
  return {
    js: result.outputFiles.find((f) => f.path.endsWith('.js'))!.text,
    css: result.outputFiles.find((f) => f.path.endsWith('.css'))!.text,
  };
}

export type SweepPage = WebviewPage<ExtensionToSweep, SweepToExtension>;

export async function openSweepPage(browser: Browser, bundle: SweepBundle, opts: { theme?: boolean } = {}): Promise<SweepPage> {
  return openWebviewPage(browser, {
    name: 'sweep',
    html: sweepHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/sweep.js`, styleUri: `${ORIGIN}/sweep.css` }),
    files: {
      '/sweep.js': { type: 'text/javascript', body: bundle.js },
      '/sweep.css': { type: 'text/css', body: bundle.css },
    },
    themeCss: opts.theme ? THEME_CSS : undefined,
    viewport: { width: 1280, height: 900 },
  });
}

export const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1];
export const BATCH_SIZES = [32, 64, 128, 256];
export const OPTIMIZERS = ['sgd', 'adam'];

/**
 * A grid sweep of `n` runs over learning rate × batch size × optimizer, with made-up metrics
 * that depend on them (deterministic): run k is `run-0000k`, its accuracy peaks at lr 0.001.
 */
export function generatedSweep(n: number): SweepTable {
  const runs: SweepRun[] = [];
  for (let k = 0; k < n; k++) {
    const lr = LEARNING_RATES[k % LEARNING_RATES.length]!;
    const batch = BATCH_SIZES[Math.floor(k / LEARNING_RATES.length) % BATCH_SIZES.length]!;
    const optimizer = OPTIMIZERS[Math.floor(k / (LEARNING_RATES.length * BATCH_SIZES.length)) % OPTIMIZERS.length]!;
    const distance = Math.abs(Math.log10(lr) + 3);
    const accuracy = 0.99 - 0.1 * distance - (k % 13) / 1000;
    const metrics: Record<typeof SWEEP_METRICS[number], number> = {
      bestTestAccuracy: accuracy, finalTestAccuracy: accuracy - 0.005, bestTestLoss: 1 - accuracy, finalTestLoss: 1.02 - accuracy,
      imagesPerSecond: 4000 / Math.sqrt(256 / batch), seconds: 30 + (k % 17),
    };
    runs.push({
      id: `run-${String(k).padStart(5, '0')}`, label: `run-${String(k).padStart(5, '0')}`, status: 'completed',
      params: [lr, batch, optimizer], metrics: SWEEP_METRICS.map((m) => metrics[m]),
    });
  }
  return { params: ['optimizer.lr', 'batchSize', 'optimizer.type'], runs };
}
