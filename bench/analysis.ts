import * as path from 'node:path';
import { analyzeModel } from '../src/analysis/index';
import { loadModelFile, selectModel } from '../src/loader/index';

// `npm run bench:analysis`: how long a model file takes from disk to analysis, the latency the
// editor pays on every edit. Targets: analysis < 50 ms, load + analysis < 300 ms. Prints the
// figures (median after warm-up); asserts nothing, since timings depend on the machine.

const MODELS = ['resnet50.cnn.ts', 'resnet152.cnn.ts'];
const WARMUP = 3;
const RUNS = 15;
const ANALYSIS_RUNS = 200;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function bench(file: string): Promise<void> {
  const load = async () => selectModel(await loadModelFile(file)).model;
  for (let i = 0; i < WARMUP; i++) analyzeModel(await load());
  const loadMs: number[] = [], totalMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const ir = await load();
    const t1 = performance.now();
    analyzeModel(ir);
    const t2 = performance.now();
    loadMs.push(t1 - t0);
    totalMs.push(t2 - t0);
  }
  // Analysis alone is fast enough that one run is mostly timer noise: time many, per run.
  const ir = await load();
  const analysisMs: number[] = [];
  for (let i = 0; i < ANALYSIS_RUNS; i++) {
    const t0 = performance.now();
    analyzeModel(ir);
    analysisMs.push(performance.now() - t0);
  }
  const f = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
  console.log(`${path.basename(file).padEnd(18)} ${String(ir.nodes.length).padStart(4)} layers  ` +
    `load ${f(median(loadMs))}  analysis ${f(median(analysisMs))}  load+analysis ${f(median(totalMs))}`);
}

async function main(): Promise<void> {
  console.log(`analysis bench (median of ${RUNS} loads and ${ANALYSIS_RUNS} analyses after ${WARMUP} warm-ups; targets: analysis < 50 ms, load+analysis < 300 ms)`);
  for (const name of MODELS) await bench(path.resolve(__dirname, '../examples', name));
}

void main();
