import * as vscode from 'vscode';
import { decimal, percent } from '../../shared/format';
import type { LiveRun } from './liveRun';

// The progress notification of a run: epoch, step, loss and test accuracy, a bar over the whole
// run, and Cancel to stop it. Closes when the run ends.

export async function showRunProgress(live: LiveRun): Promise<void> {
  await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, title: `Training ${live.model}`, cancellable: true,
  }, (progress, token) => new Promise<void>((resolve) => {
    const cancel = token.onCancellationRequested(() => live.stop());
    let reported = 0;
    const sub = live.onDidChange(() => {
      const p = live.progress;
      if (!live.running) { sub.dispose(); cancel.dispose(); resolve(); return; }
      if (!p || !p.epochs) return;
      const fraction = ((p.epoch - 1) * p.steps + p.step) / (p.epochs * p.steps);
      const increment = Math.max(0, fraction * 100 - reported);
      reported += increment;
      const acc = live.lastEpoch ? ` · test ${percent(live.lastEpoch.test.accuracy)}` : '';
      progress.report({ increment, message: `epoch ${p.epoch}/${p.epochs} · step ${p.step}/${p.steps} · loss ${decimal(p.loss)}${acc}` });
    });
  }));
}
