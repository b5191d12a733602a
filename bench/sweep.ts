import { launchChromium } from '../test/support/webviewHarness';
import { buildSweepBundle, generatedSweep, openSweepPage } from '../test/support/sweepHarness';

// `npm run bench:sweep [N]`: the sweep view with N runs (1,000 by default) in headless Chromium,
// the real bundle on the extension's page: the first render (message posted → chart and table
// drawn, one frame painted) and a brush move (one mouse move while brushing an axis: the brush,
// the filter, the chart's dimming and the table's redraw, until the page has handled the event).
// Median and worst of ROUNDS rounds each, next to the floor (the same mouse move where nothing
// listens: the input's round trip and a frame). Asserts nothing.

const N = Number(process.argv[2] ?? 1000);
const ROUNDS = 5;
const MOVES = 30;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const [bundle, browser] = await Promise.all([buildSweepBundle(), launchChromium()]);
  const table = generatedSweep(N);
  const renders: number[] = [];
  const moves: number[] = [];
  const idle: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const p = await openSweepPage(browser, bundle, { theme: true });
      renders.push(await p.page.evaluate(async ({ json, n }) => {
        const message: unknown = JSON.parse(json);
        const t0 = performance.now();
        window.postMessage(message, '*');
        while (document.querySelectorAll('svg.parallel path.line').length < n || !document.querySelector('tr.run')) {
          await new Promise((r) => requestAnimationFrame(r));
        }
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
        return performance.now() - t0;
      }, { json: JSON.stringify({ type: 'sweep', table, runsDir: '/runs', problems: [] }), n: N }));

      // The floor: the same mouse move and frame over the page's heading, where nothing listens.
      const heading = (await p.page.locator('h2').boundingBox())!;
      for (let k = 1; k <= MOVES; k++) {
        const t0 = performance.now();
        await p.page.mouse.move(heading.x + k, heading.y + 5);
        await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
        idle.push(performance.now() - t0);
      }
      const box = (await p.page.locator('g.axis[data-column="optimizer.lr"] .brush rect.overlay').boundingBox())!;
      const x = box.x + box.width / 2;
      await p.page.mouse.move(x, box.y + 5);
      await p.page.mouse.down();
      for (let k = 1; k <= MOVES; k++) {
        const y = box.y + 5 + (k * (box.height - 10)) / MOVES;
        const t0 = performance.now();
        await p.page.mouse.move(x, y);
        await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
        moves.push(performance.now() - t0);
      }
      await p.page.mouse.up();
      if (p.errors.length) throw new Error(p.errors.join('\n'));
      await p.page.close();
    }
  } finally {
    await browser.close();
  }
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`sweep view, ${N} runs, ${table.params.length} hyperparameters + 6 metrics (${ROUNDS} rounds)`);
  console.log(`  first render (chart + table, one frame):   median ${f(median(renders))}, worst ${f(Math.max(...renders))}`);
  console.log(`  brush move (filter, dim, table, a frame):  median ${f(median(moves))}, worst ${f(Math.max(...moves))} over ${moves.length} moves`);
  console.log(`  the same move where nothing listens:       median ${f(median(idle))}, worst ${f(Math.max(...idle))} (the floor: input round trip and a frame)`);
}

void main();
