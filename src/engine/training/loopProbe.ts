// Where the training loop's time goes, item by item: given a probe, the loop hands it each
// stretch of its work (bench/trainPath.ts adds them up against a bare training step). Without
// one, a lap costs a branch.

/**
 * Per step: taking the next batch from the batch thread (waiting for it if it is behind), making
 * its tensors (upload, normalization), the step itself (forward, backward, update), reading its
 * values back, the iteration record, the turn of the event loop (with the garbage collector's
 * work that V8 schedules there). Per epoch: evaluation, checkpoints, the epoch's record.
 */
export type LoopItem = 'batch' | 'upload' | 'step' | 'read' | 'record' | 'yield' | 'evaluate' | 'checkpoint' | 'epochRecord';

export interface LoopProbe {
  /** `ms` more spent on `item` during epoch `epoch` (from 1). */
  spent(item: LoopItem, ms: number, epoch: number): void;
}

/** Splits the loop's time into items: each lap gives the time since the previous one to its item. */
export class Stopwatch {
  private last = 0;

  constructor(private readonly probe: LoopProbe | undefined) {}

  start(): void {
    if (this.probe) this.last = performance.now();
  }

  lap(item: LoopItem, epoch: number): void {
    if (!this.probe) return;
    const now = performance.now();
    this.probe.spent(item, now - this.last, epoch);
    this.last = now;
  }
}
