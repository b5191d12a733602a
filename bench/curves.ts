// `npm run bench:curves [-- --points 100000 --redraws 40]`: how long a live per-step curve of
// 100,000 points takes to redraw in the runs sidebar's loss chart, drawn through every point (the
// route before issue 25) and through at most four points per pixel column (M4,
// src/shared/downsample.ts), side by side. Headless Chromium on the real chart code, bundled
// twice: the "all points" bundle swaps the downsampler for one that keeps every point, so
// nothing else differs. The two alternate redraw by redraw (a shared machine's load falls on
// both); each redraw adds steps, as a live run's update does. Prints figures; asserts nothing.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/webviewHarness';
import { REPO_ROOT } from '../test/support/paths';

interface Redraw { draw: number; frame: number; vertices: number }

/** Keeps every point: the chart as it drew before it downsampled. */
const allPoints: esbuild.Plugin = {
  name: 'all-points',
  setup(build) {
    build.onResolve({ filter: /\/shared\/downsample$/ }, () => ({ path: 'downsample', namespace: 'all-points' }));
    build.onLoad({ filter: /.*/, namespace: 'all-points' }, () => ({
      contents: 'export function downsampleM4(points) { return points.slice(); }', loader: 'js',
    }));
  },
};

async function bundle(plugins: esbuild.Plugin[]): Promise<{ js: string; css: string }> {
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'bench/curvesPage.ts')], plugins,
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent', outdir: '/curves-out',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

/** One redraw with the first `n` steps: the chart built and inserted (draw), and up to the end of the frame that shows it. */
function redraw(page: Page, n: number): Promise<Redraw> {
  // Source text: the transpiler that runs this file would wrap nested functions in helpers the page lacks.
  return page.evaluate(`(async (n) => {
    const t0 = performance.now();
    const vertices = window.benchCurves.draw(n);
    const t1 = performance.now();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return { draw: t1 - t0, frame: performance.now() - t0, vertices };
  })(${n})`) as Promise<Redraw>;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { points: { type: 'string', default: '100000' }, redraws: { type: 'string', default: '40' } } });
  const points = Number(values.points);
  const redraws = Number(values.redraws);
  const [before, after, browser] = await Promise.all([bundle([allPoints]), bundle([]), launchChromium()]);
  const pages: [string, Page][] = [];
  try {
    for (const [label, b] of [['all points', before], ['per pixel (M4)', after]] as const) {
      const page = await browser.newPage({ viewport: { width: 700, height: 400 } });
      await page.setContent(`<!doctype html><html><head><style>${b.css}</style></head><body></body></html>`);
      await page.addScriptTag({ content: b.js });
      pages.push([label, page]);
    }
    const most = await pages[0]![1].evaluate('window.benchCurves.steps') as number;
    if (points + redraws * 100 > most) throw new Error(`--points: at most ${most - redraws * 100} with ${redraws} redraws`);
    // A warm-up redraw each (the first compiles the chart code), then alternate, 100 steps more each time.
    for (const [, page] of pages) await redraw(page, points);
    const timings = new Map<string, Redraw[]>(pages.map(([label]) => [label, []]));
    for (let k = 1; k <= redraws; k++) {
      for (const [label, page] of k % 2 ? pages : [...pages].reverse()) timings.get(label)!.push(await redraw(page, points + k * 100));
    }
    console.log(`live curve redraw · headless Chromium ${browser.version()} · ${points.toLocaleString('en')}+ points · ${redraws} redraws each, alternating`);
    console.log('route              path vertices   draw p50    draw p90   to frame p50  to frame p90');
    for (const [label, t] of timings) {
      const draw = t.map((r) => r.draw);
      const frame = t.map((r) => r.frame);
      console.log(`${label.padEnd(18)} ${String(t.at(-1)!.vertices).padStart(13)}  ${ms(quantile(draw, 0.5))}  ${ms(quantile(draw, 0.9))}  ${ms(quantile(frame, 0.5))}    ${ms(quantile(frame, 0.9))}`);
    }
    console.log('draw = chart built and put in the page (JavaScript); to frame = up to the end of the frame that shows it (style, layout, paint).');
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
