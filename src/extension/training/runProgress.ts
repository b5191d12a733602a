import * as vscode from 'vscode';
import { decimal, percent } from '../../shared/format';
import type { LiveRun } from './liveRun';

// The progress notification of a run: epoch, step, loss and test accuracy, a bar over the whole
// run, and Cancel to stop it. Closes when the run ends.

export async function showRunProgress(live: LiveRun): Promise<void> {
  await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Training {0}', live.model), cancellable: true,
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
      const acc = live.lastEpoch ? ` · ${vscode.l10n.t('test {0}', percent(live.lastEpoch.test.accuracy))}` : '';
      progress.report({ increment, message: `${vscode.l10n.t('epoch {0}/{1} · step {2}/{3} · loss {4}', p.epoch, p.epochs, p.step, p.steps, decimal(p.loss))}${acc}` });
    });
  }));
}
