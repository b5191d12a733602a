import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonlWriter } from '../src/runs/files';
import { createRun, listRuns, updateRun } from '../src/runs/store';
import type { EpochRecord, ResolvedTraining } from '../src/runs/types';

// `node --import tsx bench/runs.ts [N]`: how long listing a runs folder of N runs (2,000 by
// default) takes: the store's listing cold and again (the sidebar lists once a second while it is
// visible) and `cnn-explorer runs list` (the built CLI: `node esbuild.mjs` first). Each run is as the trainer leaves one: run.json with
// the model file's text, metrics.jsonl with 3 epochs of 50 steps. Asserts nothing.

const N = Number(process.argv[2] ?? 2000);
const ROUNDS = 5;
const SOURCE = path.join(__dirname, '..', 'examples', 'lenet.cnn.ts');

const CONFIG: ResolvedTraining = {
  dataset: 'mnist', epochs: 3, batchSize: 64, seed: 0, optimizer: { type: 'adam', lr: 0.001, weightDecay: 0 },
  schedule: null, augment: null, normalize: 'dataset', validationSplit: 0, earlyStopping: null,
  permutePixels: null, initFrom: null, freeze: null,
};

function makeRuns(dir: string): void {
  const text = fs.readFileSync(SOURCE, 'utf8');
  const start = Date.UTC(2026, 0, 1);
  for (let k = 0; k < N; k++) {
    const { paths } = createRun(dir, { modelName: 'LeNet-5', exportName: 'default', file: SOURCE, text, config: CONFIG }, new Date(start + k * 60_000));
    const log = new JsonlWriter(paths.metrics);
    let best: EpochRecord | null = null;
    for (let epoch = 1; epoch <= 3; epoch++) {
      for (let step = 1; step <= 50; step++) {
        log.append({ type: 'iteration', epoch, step, steps: 50, iteration: (epoch - 1) * 50 + step, loss: 1 / step, accuracy: 0.9, lr: 0.001, time: 0 });
      }
      best = {
        type: 'epoch', epoch, epochs: 3, lr: 0.001, train: { loss: 0.1, accuracy: 0.97 }, val: null, test: { loss: 0.1, accuracy: 0.97 },
        perClassAccuracy: new Array(10).fill(0.97), confusionMatrix: new Array(10).fill(new Array(10).fill(10)),
        imagesPerSecond: 600, seconds: 5, frozen: [], best: true, time: 0,
      };
      log.append(best);
    }
    log.close();
    updateRun(paths.dir, (r) => {
      r.status = 'completed'; r.pid = 1; r.epochsCompleted = 3; r.best = best; r.bestEpoch = 3; r.monitor = 'test_accuracy';
      r.backend = { name: 'wasm', reason: 'bench' }; r.endedAt = r.startedAt; r.wallSeconds = 15;
    });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function time(label: string, f: () => unknown): Promise<void> {
  const ms: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  console.log(`${label}: first ${ms[0]!.toFixed(0)} ms, then median ${median(ms.slice(1)).toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-bench-runs-'));
  try {
    const t0 = performance.now();
    makeRuns(dir);
    console.log(`${N} runs written in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`);
    await time('listRuns (the sidebar\'s listing, once a second)', () => listRuns(dir));
    // The CLI lists once per process: each round in a new one (node's start included).
    const cli = path.join(__dirname, '..', 'bin', 'cnn-explorer.js');
    await time('node bin/cnn-explorer.js runs list (a new process each time)', () => execFileSync(process.execPath, [cli, 'runs', 'list', '--runs-dir', dir]));
    await time('  the same on an empty folder (node\'s start and the bundle\'s load)', () => execFileSync(process.execPath, [cli, 'runs', 'list', '--runs-dir', path.join(dir, 'none')]));
  } finally {
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
