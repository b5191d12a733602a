// The page side of bench/curves.ts: the sidebar's loss chart for a one-epoch run while it trains
// (its per-step curve, faint, under the epoch curve), drawn from scratch as the run posts it.
import '../webview/compare/compare.css';
import { lineChart } from '../webview/shared/charts/lineChart';

/** Steps in the run's epoch: the curve grows towards x = 1 as steps arrive. */
const STEPS_PER_EPOCH = 120_000;

/** A noisy, falling per-step loss with a spike now and then, at fractional epochs. */
const steps: [number, number][] = Array.from({ length: STEPS_PER_EPOCH }, (_, i) => {
  const loss = 2.3 * Math.exp(-i / 20_000) + 0.1 + 0.08 * Math.sin(i * 12.9898) * Math.cos(i * 0.37);
  return [(i + 1) / STEPS_PER_EPOCH, i % 9_973 === 0 ? loss * 3 : loss];
});

/** Draws the chart with the first `n` steps in place of the last one; returns the per-step path's vertices. */
function draw(n: number): number {
  const chart = lineChart({
    title: 'Loss', xLabel: 'epoch', yLabel: 'loss', yFormat: (v) => v.toFixed(2),
    series: [
      { colourClass: 'run-0', dash: 'solid', points: [[1, 0.35]], describe: () => 'train loss', data: { metric: 'train_loss' } },
      { colourClass: 'run-0', dash: 'solid', points: steps.slice(0, n), describe: () => '', faint: true, data: { metric: 'batch_loss' } },
    ],
  });
  document.body.replaceChildren(chart);
  const d = chart.querySelector('[data-metric="batch_loss"] path')?.getAttribute('d') ?? '';
  return d.split(/[ML]/).length - 1;
}

(window as unknown as { benchCurves: { draw: typeof draw; steps: number } }).benchCurves = { draw, steps: STEPS_PER_EPOCH };
