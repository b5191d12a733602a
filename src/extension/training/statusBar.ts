import * as vscode from 'vscode';
import { percent } from '../../shared/format';
import type { CurrentRun } from './currentRun';
import type { LiveRun } from './liveRun';

// The status bar item of the run being trained: model, epoch, test accuracy and backend; a click
// opens the sidebar. Hidden when no run is training.

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];

  constructor(current: CurrentRun) {
    this.item.command = 'workbench.view.extension.cnnExplorer';
    const show = () => { if (current.live) this.show(current.live); };
    this.subscriptions = [current.onDidChangeLive(show), current.onDidProgress(show)];
    show();
  }

  private show(live: LiveRun): void {
    if (!live.running) {
      this.item.hide();
      return;
    }
    const p = live.progress;
    const acc = live.lastEpoch ? ` ${percent(live.lastEpoch.test.accuracy, 1)}` : '';
    this.item.text = `$(sync~spin) ${live.model} ${p ? vscode.l10n.t('epoch {0}/{1}', p.epoch, p.epochs) : vscode.l10n.t('starting')}${acc}${live.backend ? ` · ${live.backend}` : ''}`;
    this.item.tooltip = vscode.l10n.t('CNN Explorer: run {0} is training (click for the sidebar)', live.runId);
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
