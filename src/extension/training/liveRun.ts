import * as vscode from 'vscode';
import type { SourceRange } from '../../dsl/ir';
import type { RunHandle } from '../../engine/trainer/start';
import type { EpochRecord, IterationRecord, RunErrorCode, TrainResult } from '../../runs/types';
import { assertNever } from '../../shared/assertNever';
import type { RunProgress } from '../../shared/messages';
import type { TrainerMessage } from '../../shared/trainerProtocol';

// The run this window follows, as the rest of the extension sees it: its progress (for the
// status bar, the notification and the sidebar) and a way to stop it. The trainer is a child
// process in its own process group, started by this window or found running in the runs folder
// after a reload; the run folder stays the source of truth.

export class LiveRun implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  progress: RunProgress | null = null;
  lastEpoch: EpochRecord | null = null;
  backend: string | null = null;
  /** The trainer's error, when the run failed (with where in the model file, if it knows). */
  failure: { code: RunErrorCode; message: string; location: SourceRange | null } | null = null;
  result: TrainResult | null = null;
  /** The download in progress before training (a dataset, pretrained weights); null once training reports. */
  download: Extract<TrainerMessage, { type: 'download' }> | null = null;
  constructor(readonly handle: RunHandle, readonly model: string, readonly epochs: number, private readonly startedAt = Date.now()) {
    handle.onMessage((m) => this.take(m));
    void handle.done.then((r) => {
      this.result = r;
      this.changed.fire();
    });
  }

  get runId(): string {
    return this.handle.runId;
  }

  get running(): boolean {
    return this.result === null;
  }

  stop(): void {
    this.handle.stop();
  }

  private take(m: TrainerMessage): void {
    switch (m.type) {
      case 'download': this.download = m; break;
      case 'iteration': this.progress = this.progressAt(m); this.download = null; break;
      case 'epoch': this.lastEpoch = m; break;
      case 'backend': this.backend = m.backend; break;
      case 'error': this.failure = { code: m.code, message: m.message, location: m.location }; return;
      case 'hello': case 'status': case 'done': return; // the result comes with handle.done
      default: assertNever(m, 'trainer'); return;
    }
    this.changed.fire();
  }

  private progressAt(it: IterationRecord): RunProgress {
    const epochs = this.epochs;
    const done = (it.epoch - 1) * it.steps + it.step;
    const total = epochs * it.steps;
    const elapsed = (it.time - this.startedAt) / 1000;
    return {
      epoch: it.epoch, epochs, step: it.step, steps: it.steps, loss: it.loss, lr: it.lr,
      imagesPerSecond: this.lastEpoch?.imagesPerSecond ?? null,
      etaSeconds: done > 0 && total > done ? (elapsed / done) * (total - done) : null,
    };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
