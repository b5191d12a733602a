import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeModel } from '../src/analysis/index';
import { hoverMarkdown } from '../src/extension/editor/hover';
import { targetAt } from '../src/extension/editor/lookup';
import { loadModelFile, selectModel } from '../src/loader/index';
import { writeGeneratedModel } from './generatedModel';

// `npm run bench:analysis`: how long a model file takes from disk to analysis, the latency the
// editor pays on every edit, for ResNet-50, ResNet-152 and a generated model of 20,000 layers
// (bench/generatedModel.ts); and how soon a hover answers after an edit of a 500-line model
// file (evaluate the edited text, analyse it, find the call under the pointer, write the hover).
// Targets: analysis < 50 ms (< 200 ms for 20,000 layers), load + analysis < 300 ms, hover after
// an edit < 50 ms. Prints the figures (median after warm-up); asserts nothing, since timings
// depend on the machine. Analysis also prints the process's CPU time (its threads, garbage
// collection included): on a machine shared with other work it says what the analysis itself
// costs, which the wall-clock figure mixes with waiting for a core.

const MODELS = ['resnet50.cnn.ts', 'resnet152.cnn.ts'];
const GENERATED_LAYERS = 20_000;
const HOVER_FILE_LINES = 500;
const WARMUP = 3;
const RUNS = 15;
const ANALYSIS_RUNS = 200;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function bench(file: string, analysisRuns = ANALYSIS_RUNS): Promise<void> {
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
  const analysisMs: number[] = [], analysisCpuMs: number[] = [];
  for (let i = 0; i < analysisRuns; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    analyzeModel(ir);
    analysisMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(c0);
    analysisCpuMs.push((cpu.user + cpu.system) / 1000);
  }
  const f = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
  console.log(`${path.basename(file).padEnd(22)} ${String(ir.nodes.length).padStart(5)} layers  ` +
    `load ${f(median(loadMs))}  analysis ${f(median(analysisMs))} (CPU ${f(median(analysisCpuMs))})  load+analysis ${f(median(totalMs))}`);
}

/** A model file of `lines` lines, one layer call a line (no loop: every call is its own). */
function longModelSource(lines: number): string {
  const calls = ['conv2d(8, 3, { padding: 1 }),', 'batchNorm(),', 'relu(),'];
  const body = Array.from({ length: lines - 4 }, (_, i) => `  ${calls[i % calls.length]}`);
  return [
    "import { model, conv2d, batchNorm, relu } from 'cnn-explorer';",
    '',
    "export default model('long', [32, 32, 8], [",
    ...body,
    ']);',
  ].join('\n');
}

/**
 * An edit (one conv's filter count on the middle line), then a hover two hundred lines below:
 * the edited text evaluated and analysed as the editor does, the call found, its hover written.
 */
async function benchHoverAfterEdit(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-bench-'));
  const file = path.join(dir, 'long.cnn.ts');
  const original = longModelSource(HOVER_FILE_LINES);
  fs.writeFileSync(file, original);
  const lines = original.split('\n');
  const edited = lines.findIndex((l, i) => i >= lines.length / 2 && l.includes('conv2d(8'));
  const hoverLine = edited + 200;
  const column = lines[hoverLine]!.indexOf(lines[hoverLine]!.trim()) + 2;
  const times: number[] = [];
  let answer = '';
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const text = lines.map((l, n) => (n === edited ? l.replace('conv2d(8', `conv2d(${8 + (i % 2)}`) : l)).join('\n');
    const t0 = performance.now();
    const loaded = await loadModelFile(file, { text });
    const results = loaded.models.map((m) => ({ ...m, analysis: analyzeModel(m.model) }));
    const target = targetAt(results, file, { line: hoverLine + 1, column });
    answer = target ? hoverMarkdown(target, { stale: false }) : '';
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  if (!answer) throw new Error(`no hover at line ${hoverLine + 1}, column ${column} of the generated file`);
  const f = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
  console.log(`${`hover after an edit, ${HOVER_FILE_LINES}-line file`.padEnd(36)}  edit → hover ${f(median(times))}  (${answer.split('\n')[0]})`);
}

async function main(): Promise<void> {
  console.log(`analysis bench (median of ${RUNS} loads and ${ANALYSIS_RUNS} analyses after ${WARMUP} warm-ups; ` +
    `targets: analysis < 50 ms, < 200 ms at ${GENERATED_LAYERS} layers; load+analysis < 300 ms; hover after an edit < 50 ms)`);
  for (const name of MODELS) await bench(path.resolve(__dirname, '../examples', name));
  await bench(writeGeneratedModel(GENERATED_LAYERS), 20);
  await benchHoverAfterEdit();
}

void main();
