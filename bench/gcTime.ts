// Time this process's main thread spent in V8's garbage collector over a window, from perf_hooks'
// gc entries. The training loop's turns of the event loop are where V8 runs the collections it
// schedules as tasks; a loop that never yields (the bench's step) pays them inside its steps.
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

let entries: PerformanceEntry[] = [];
let observer: PerformanceObserver | null = null;

/** Starts recording collections (once; they are kept until a window after them is asked for). */
export function watchGc(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => { entries.push(...list.getEntries()); });
  observer.observe({ entryTypes: ['gc'] });
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Milliseconds of collections that began in [from, to) (performance.now() times); older ones
 * are dropped. Node queues gc entries for a later turn of the event loop, hence async.
 */
export async function gcMs(from: number, to: number): Promise<number> {
  if (!observer) return 0;
  await turn();
  await turn();
  entries.push(...observer.takeRecords());
  let ms = 0;
  for (const e of entries) if (e.startTime >= from && e.startTime < to) ms += e.duration;
  entries = entries.filter((e) => e.startTime >= to);
  return ms;
}
