import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { MetricRecord } from '../../src/runs/index';

// Shared by the tests that train one seeded model in several trainer processes and compare
// their curves (webgpu against cpu, two wasm threads against one).

/** Writes `text` as a model file in a fresh temporary folder, removed after the test file. */
export function tempModelFile(prefix: string, name: string, text: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { dir, file };
}

/** The training loss of every step among a run's metrics, in order. */
export function stepLosses(metrics: MetricRecord[]): number[] {
  return metrics.flatMap((m) => (m.type === 'iteration' ? [m.loss] : []));
}
