// Learning rate per epoch, as PyTorch's schedulers give it when stepped once per epoch.
// Epochs are 0-based here (the first epoch trains at index 0).
import type { ScheduleSpec } from '../../dsl/training';

/** Relative improvement that counts for plateau detection (PyTorch's threshold, mode 'rel'). */
const PLATEAU_THRESHOLD = 1e-4;

export class LrSchedule {
  private plateauFactor = 1;
  private best = Infinity;
  private bad = 0;

  constructor(private readonly spec: ScheduleSpec | null, private readonly epochs: number) {}

  /** The learning rate for epoch `e` (0-based) given the base rate in force then. */
  lrAt(e: number, base: number): number {
    const s = this.spec;
    if (!s) return base;
    switch (s.type) {
      case 'step': return base * s.gamma ** Math.floor(e / s.stepSize);
      // Milestones count epochs done: [2] means epochs 0 and 1 at the base rate, then decayed.
      case 'multistep': return base * s.gamma ** s.milestones.filter((m) => m <= e).length;
      case 'plateau': return base * this.plateauFactor;
      case 'cosine': {
        const warmup = s.warmupEpochs ?? 0;
        if (e < warmup) return (base * (e + 1)) / warmup;
        const span = this.epochs - warmup;
        return (base * (1 + Math.cos((Math.PI * (e - warmup)) / span))) / 2;
      }
    }
  }

  /**
   * Feeds the monitored loss after an epoch (plateau only): after more than `patience` epochs
   * without improvement the rate is multiplied by `factor`. Returns true when it was reduced.
   */
  observe(loss: number): boolean {
    const s = this.spec;
    if (!s || s.type !== 'plateau' || !Number.isFinite(loss)) return false;
    if (loss < this.best * (1 - PLATEAU_THRESHOLD)) {
      this.best = loss;
      this.bad = 0;
      return false;
    }
    if (++this.bad > s.patience) {
      this.plateauFactor *= s.factor;
      this.bad = 0;
      return true;
    }
    return false;
  }
}
