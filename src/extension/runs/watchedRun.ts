import * as fs from 'node:fs';
import type { CompareInput } from '../../runs/compare';
import { assertNever } from '../../shared/assertNever';
import type { JsonlReader } from '../../runs/files';
import { readRunStrict } from '../../runs/lookup';
import { readMeta, type RunMeta } from '../../runs/meta';
import { metricsProblem, runPaths, watchMetrics, type MetricRecord } from '../../runs/store';
import type { EpochRecord, IterationRecord, RunRecord } from '../../runs/types';

// One compared run, kept current from disk: its metrics.jsonl is read incrementally (only the
// records appended since the last look), run.json again only when its mtime moves, meta.json
// each time (a few bytes). `refresh()` says whether anything changed, so a live comparison
// redraws only when there is something new.

export class WatchedRun {
  private readonly reader: JsonlReader<MetricRecord>;
  private readonly epochs: EpochRecord[] = [];
  private readonly iterations: IterationRecord[] = [];
  private recordMtime = -1;
  private metaText = '';
  private damaged: string | null = null;
  record: RunRecord;
  meta: RunMeta;

  constructor(readonly id: string, readonly dir: string) {
    this.reader = watchMetrics(dir);
    this.record = readRunStrict(dir);
    this.recordMtime = this.mtime();
    this.meta = readMeta(dir);
    this.metaText = JSON.stringify(this.meta);
    this.take();
    this.damaged = this.metricsDamage();
  }

  /** What the metrics reader skipped; a live run's unfinished last line is one being written. */
  private metricsDamage(): string | null {
    return metricsProblem({ skippedLines: this.reader.skippedLines, pendingBytes: this.live ? 0 : this.reader.pendingBytes });
  }

  private mtime(): number {
    try {
      return fs.statSync(runPaths(this.dir).runJson).mtimeMs;
    } catch {
      return -1;
    }
  }

  private take(): boolean {
    const fresh = this.reader.read();
    for (const m of fresh) {
      switch (m.type) {
        case 'epoch': this.epochs.push(m); break;
        case 'iteration': this.iterations.push(m); break;
        case 'hello': case 'backend': case 'status': case 'error': case 'done': break; // run.json says these
        case 'download': break; // transient: the trainer never writes it to metrics.jsonl
        default: assertNever(m, 'metrics.jsonl');
      }
    }
    return fresh.length > 0;
  }

  /** Reads what changed on disk; true when the comparison should be recomputed. */
  refresh(): boolean {
    let changed = this.take();
    const mtime = this.mtime();
    if (mtime !== this.recordMtime) {
      this.recordMtime = mtime;
      try {
        this.record = readRunStrict(this.dir);
        changed = true;
      } catch { /* mid-replace or deleted: keep the last good record */ }
    }
    const meta = readMeta(this.dir);
    const text = JSON.stringify(meta);
    if (text !== this.metaText) {
      this.meta = meta;
      this.metaText = text;
      changed = true;
    }
    const damaged = this.metricsDamage();
    if (damaged !== this.damaged) {
      this.damaged = damaged;
      changed = true;
    }
    return changed;
  }

  get live(): boolean {
    return this.record.status === 'running';
  }

  input(): CompareInput {
    return { record: this.record, epochs: [...this.epochs], iterations: [...this.iterations], meta: this.meta, damaged: this.damaged };
  }
}
