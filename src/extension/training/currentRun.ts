import * as vscode from 'vscode';
import type { LiveRun } from './liveRun';

// The run this window follows (started here, or found running after a reload): what the status
// bar, the sidebar and Stop Training look at. One at a time; the last one stays after it ends, so
// Open Run Folder still knows it.

export class CurrentRun implements vscode.Disposable {
  private readonly liveChanged = new vscode.EventEmitter<LiveRun | null>();
  /** Fires when a run starts being followed (the run) and when it ends (null). */
  readonly onDidChangeLive = this.liveChanged.event;
  private readonly progressed = new vscode.EventEmitter<LiveRun>();
  /** Fires on each step, epoch and backend news of the followed run. */
  readonly onDidProgress = this.progressed.event;
  live: LiveRun | null = null;
  private liveSubscription: vscode.Disposable | null = null;

  follow(live: LiveRun): void {
    const previous = this.live;
    if (previous) void previous.handle.done.then(() => previous.dispose());
    this.liveSubscription?.dispose();
    this.live = live;
    this.liveSubscription = live.onDidChange(() => this.progressed.fire(live));
    this.liveChanged.fire(live);
    void live.handle.done.then(() => {
      // A run stopped to make way for the next one ends after it started: not news then.
      if (this.live === live) this.liveChanged.fire(null);
    });
  }

  /** Stop Training: asks the followed run to stop after its current batch. */
  stop(): void {
    if (!this.live?.running) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No run is training in this window.'));
      return;
    }
    this.live.stop();
  }

  dispose(): void {
    this.liveSubscription?.dispose();
    this.live?.dispose();
    this.liveChanged.dispose();
    this.progressed.dispose();
  }
}
