// `npm run bench:graph [-- --sizes 1000,5000,20000] [--no-worker]`: how long the graph webview takes to lay
// out and first draw ResNet-50, ResNet-152 and generated models of 1,000, 5,000 and 20,000
// layers (a DSL loop, bench/generatedModel.ts), as first shown (groups collapsed) and with
// every group expanded; then, on that page, "Expand all" and a search up to the frame that
// shows them, and one zoom frame at the first view and one with the whole graph fitted; in
// headless Chromium on the real bundle and real analysis.
// Targets (issues 4 and 23): to first frame under 300 ms for ResNet-50, under 1 s for ResNet-152
// and for 5,000 layers expanded; a zoom frame under 16 ms. Prints figures; asserts nothing.
import type { Page } from 'playwright-core';
import { allChoices, resolveCollapsed } from '../webview/graph/groups';
import { layoutGraph, type TextMeasure } from '../webview/graph/layout';
import { indexModel } from '../webview/graph/modelIndex';
import { buildViewGraph } from '../webview/graph/viewGraph';
import { analyzedExample, analyzedFile, buildGraphBundle, launchChromium, openGraphPage, updateMessage } from '../test/support/graphHarness';
import type { AnalyzedModel } from '../src/analysis/types';
import { writeGeneratedModel } from './generatedModel';

/** Fresh pages per view: fewer for the big generated models, whose runs take seconds. */
const RUNS = 5;
const RUNS_GENERATED = 3;
const RUNS_LARGE = 1;
const ZOOM_FRAMES = 20;
const SEARCH = 'relu';

interface Timing { layout: number; render: number; firstFrame: number; nodes: number; longestTask: number; place: string }

// Page code goes in as source text: the transpiler that runs this file would wrap nested
// functions in helpers that do not exist in the page.

/** Delivers the update in the page and times it up to the end of the first frame that shows the graph. */
async function timeFirstRender(page: Page, message: unknown): Promise<Timing> {
  return page.evaluate(`(async (data) => {
    performance.clearMeasures();
    // Main-thread tasks over 50 ms (Long Tasks API): how long the page could not answer input.
    // Only the tasks that begin after this one: this one parsed the bench's script and message.
    const tasks = [];
    const armed = performance.now();
    const keep = (entries) => { for (const e of entries) if (e.startTime >= armed) tasks.push(e.duration); };
    const observer = new PerformanceObserver((list) => keep(list.getEntries()));
    observer.observe({ type: 'longtask' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data }));
    // A large model is drawn a frame or more later, after a progress line.
    do await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    while (performance.getEntriesByName('graph:render', 'measure').length === 0);
    const firstFrame = performance.now() - t0;
    keep(observer.takeRecords());
    observer.disconnect();
    const total = (name) => performance.getEntriesByName(name, 'measure').reduce((s, e) => s + e.duration, 0);
    const svg = document.querySelector('svg.graph');
    return {
      layout: total('graph:layout'),
      render: total('graph:render'),
      firstFrame,
      nodes: Number(svg?.getAttribute('data-node-count') ?? 0),
      longestTask: Math.max(0, ...tasks),
      place: svg?.getAttribute('data-layout-place') ?? '?',
    };
  })(${JSON.stringify(message)})`) as Promise<Timing>;
}

/**
 * Page-side source of `wheelStep(deltaY)`: one wheel event at the middle of the graph, a third
 * down, and the style it invalidates recalculated; returns the milliseconds that took (the
 * zoom handler's work). Its variables are the page's `svg` and `box`.
 */
const WHEEL_STEP = `const wheelStep = (deltaY) => {
      const t0 = performance.now();
      svg.dispatchEvent(new WheelEvent('wheel', {
        deltaY, clientX: box.left + box.width / 2, clientY: box.top + box.height / 3, bubbles: true, cancelable: true,
      }));
      getComputedStyle(svg.querySelector('.viewport')).transform;
      return performance.now() - t0;
    };`;

/**
 * One wheel step of d3-zoom: the handler (new transform + style recalculation), and the time up
 * to the end of the frame that shows it (bounded below by the display's frame interval).
 * Medians of many steps.
 */
async function timeZoomFrame(page: Page): Promise<{ handler: number; frame: number; worst: number }> {
  return page.evaluate(`(async (frames) => {
    const svg = document.querySelector('svg.graph');
    const box = svg.getBoundingClientRect();
    ${WHEEL_STEP}
    const handler = [];
    const frame = [];
    for (let i = 0; i < frames; i++) {
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      const t0 = performance.now();
      handler.push(wheelStep(i % 2 === 0 ? -40 : 40));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      frame.push(performance.now() - t0);
    }
    const mid = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { handler: mid(handler), frame: mid(frame), worst: Math.max(...handler) };
  })(${ZOOM_FRAMES})`) as Promise<{ handler: number; frame: number; worst: number }>;
}

/**
 * Wheel steps out from the first view until the scale is at most `k`: the farthest view that
 * still shows the nodes' text (below 0.45 it is hidden), so the most text on screen. Returns
 * the slowest step's handler: on a culled graph, the steps that leave the drawn part redraw it.
 */
async function zoomOutTo(page: Page, k: number): Promise<number> {
  return page.evaluate(`(async (k) => {
    const svg = document.querySelector('svg.graph');
    const box = svg.getBoundingClientRect();
    const scale = () => Number(/scale\\(([^)]+)\\)/.exec(svg.querySelector('.viewport').getAttribute('transform') ?? '')?.[1] ?? 1);
    ${WHEEL_STEP}
    let worst = 0;
    for (let i = 0; i < 100 && scale() > k; i++) {
      worst = Math.max(worst, wheelStep(40));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    }
    return worst;
  })(${k})`) as Promise<number>;
}

/** Clicks the toolbar's "Expand all" and times it up to the end of the frame after it. */
async function timeExpandAll(page: Page): Promise<number> {
  return page.evaluate(`(async () => {
    const button = [...document.querySelectorAll('.toolbar vscode-button')].find((b) => b.textContent === 'Expand all');
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const drawn = performance.getEntriesByName('graph:render', 'measure').length;
    const t0 = performance.now();
    button.click();
    do await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    while (performance.getEntriesByName('graph:render', 'measure').length === drawn);
    return performance.now() - t0;
  })()`) as Promise<number>;
}

/** Types a query into the search field (one input event) and times it up to the end of the next frame. */
async function timeSearch(page: Page, query: string): Promise<number> {
  return page.evaluate(`(async (query) => {
    const field = document.querySelector('.toolbar vscode-textfield.search');
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const t0 = performance.now();
    field.value = query;
    field.dispatchEvent(new Event('input'));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const t = performance.now() - t0;
    field.value = '';
    field.dispatchEvent(new Event('input'));
    return t;
  })(${JSON.stringify(query)})`) as Promise<number>;
}

function sizesFromArgs(argv: string[]): number[] {
  const at = argv.indexOf('--sizes');
  const text = at >= 0 ? argv[at + 1] ?? '' : '1000,5000,20000';
  const sizes = text.split(',').filter((t) => t !== '').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error(`--sizes: expected layer counts like 1000,5000, got '${text}'`);
  return sizes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (v: number) => `${v.toFixed(0).padStart(5)} ms`;

interface Subject { file: string; graph: AnalyzedModel; runs: number }

/** Text widths close to the webview's font, without a browser. */
const NODE_MEASURE: TextMeasure = { title: (t) => t.length * 7, subtitle: (t) => t.length * 6, label: (t) => t.length * 6 };
/** Above this many view nodes the general layout is not timed (it takes minutes). */
const LAYERED_UP_TO = 5_100;

/**
 * The layout alone in Node, every group expanded: the structural layout and dagre for every
 * scope (as before it), alternating in one process, so that their ratio does not depend on
 * what else the machine is doing at the time.
 */
function compareLayouts(subjects: Subject[]): void {
  console.log('\nlayout alone (Node, every group expanded), structural vs dagre, alternating; median of the runs above');
  console.log('model            nodes   structural        dagre    ratio');
  for (const { graph, runs } of subjects) {
    const index = indexModel(graph);
    const view = buildViewGraph(index, resolveCollapsed(index, allChoices(index, false)));
    const structural: number[] = [];
    const layered: number[] = [];
    const time = (layeredOnly: boolean) => {
      const t0 = performance.now();
      layoutGraph(view, NODE_MEASURE, { layeredOnly });
      return performance.now() - t0;
    };
    for (let run = 0; run < runs; run++) {
      structural.push(time(false));
      if (view.nodes.length <= LAYERED_UP_TO) layered.push(time(true));
    }
    const s = median(structural);
    const d = layered.length > 0 ? median(layered) : NaN;
    console.log(`${graph.model.name.padEnd(16)} ${String(view.nodes.length).padStart(5)}  ${ms(s)}   ${Number.isNaN(d) ? '  (skipped)' : ms(d)}   ` +
      `${Number.isNaN(d) ? '' : `${(d / s).toFixed(1)}×`}`);
  }
}

async function main(): Promise<void> {
  const sizes = sizesFromArgs(process.argv.slice(2));
  // --no-worker: the layout worker's script is not served, so large models are laid out on the
  // page's main thread (the fallback, and the way before the worker): for comparison.
  const layoutWorker = !process.argv.includes('--no-worker');
  const [bundle, browser] = await Promise.all([buildGraphBundle(), launchChromium()]);
  console.log(`graph webview bench · headless Chromium ${browser.version()} · median of ${RUNS} fresh pages ` +
    `(${RUNS_GENERATED} for 1,000 layers, ${RUNS_LARGE} above)`);
  console.log('model            view        nodes   layout   DOM render  to first frame  longest task  expand all     search   zoom: handler   to frame end   fitted: handler  frame end   at 0.5: handler (worst)  zooming out: worst');
  const subjects: Subject[] = [];
  for (const name of ['resnet50', 'resnet152']) subjects.push({ ...await analyzedExample(name), runs: RUNS });
  for (const layers of sizes) {
    subjects.push({ ...await analyzedFile(writeGeneratedModel(layers)), runs: layers <= 1000 ? RUNS_GENERATED : RUNS_LARGE });
  }
  try {
    for (const { file, graph, runs } of subjects) {
      const index = indexModel(graph);
      const message = updateMessage(file, graph);
      const modelKey = `file://${file}#${graph.exportName}`;
      const views: [string, unknown][] = [
        ['as shown', undefined],
        ['expanded', { documentUri: `file://${file}`, exportName: graph.exportName, modelKey, groupChoices: allChoices(index, false) }],
      ];
      for (const [view, savedState] of views) {
        const timings: Timing[] = [];
        let zoom = { handler: 0, frame: 0 };
        let fitted = { handler: 0, frame: 0 };
        let half = { handler: 0, frame: 0, worst: 0 };
        let zoomOut = 0;
        let search = 0;
        let expandAll = NaN;
        for (let run = 0; run < runs; run++) {
          const p = await openGraphPage(browser, bundle, { savedState, theme: true, layoutWorker });
          timings.push(await timeFirstRender(p.page, message));
          if (run === runs - 1) {
            zoom = await timeZoomFrame(p.page);
            zoomOut = await zoomOutTo(p.page, 0.5);
            half = await timeZoomFrame(p.page);
            search = await timeSearch(p.page, SEARCH);
            if (view === 'as shown') expandAll = await timeExpandAll(p.page);
            // The same wheel step with the whole graph fitted in the view (as far out as it goes).
            await p.page.getByRole('button', { name: 'Fit', exact: true }).click();
            fitted = await timeZoomFrame(p.page);
          }
          await p.page.close();
        }
        console.log(`${graph.model.name.padEnd(16)} ${view.padEnd(9)} ${String(timings[0]!.nodes).padStart(7)} ` +
          `${ms(median(timings.map((t) => t.layout)))}  ${ms(median(timings.map((t) => t.render)))}  ` +
          `${ms(median(timings.map((t) => t.firstFrame)))}  ${ms(median(timings.map((t) => t.longestTask)))} ${timings[0]!.place.padEnd(6)}  ` +
          `${Number.isNaN(expandAll) ? '      –  ' : ms(expandAll)}  ${ms(search)}       ` +
          `${ms(zoom.handler)}       ${ms(zoom.frame)}      ${ms(fitted.handler)}     ${ms(fitted.frame)}     ` +
          `${ms(half.handler)} (${ms(half.worst).trim()})    ${ms(zoomOut)}`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log('layout = view graph + layout (in the layout worker above 2,000 layers: until its answer is back); DOM render = d3 joins;');
  console.log('to first frame = message received → next frame drawn; longest task = the longest main-thread task in that time');
  console.log('(Long Tasks API: 0 when none took over 50 ms), and where the layout ran (worker or main);');
  console.log(`expand all = the toolbar's button from the first view; search = typing '${SEARCH}'; each up to the end of the frame after it;`);
  console.log('zoom = one wheel step at the first view; fitted = the same after Fit (the whole graph in view);');
  console.log(`at 0.5 = the same at scale 0.5 (zoomed out from the first view: the farthest that shows text), median and worst of ${ZOOM_FRAMES};`);
  console.log('zooming out: the slowest wheel step on the way there (a culled graph redraws when the view leaves what is drawn).');
  console.log('targets: ResNet-50 < 300 ms, ResNet-152 < 1 s, 5,000 layers expanded < 1 s (to first frame); zoom frame < 16 ms.');
  compareLayouts(subjects);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
