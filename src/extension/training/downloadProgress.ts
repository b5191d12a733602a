import * as vscode from 'vscode';
import { downloadDone, downloadEta, downloadRate, type DownloadMessage as Download } from '../../shared/downloadFigures';
import { byteSize } from '../../shared/format';
import type { LiveRun } from './liveRun';

// A download the trainer makes before training (a dataset, pretrained weights): a progress
// notification per file with bytes, rate and ETA, whose Cancel stops the run as Stop does.
// Closes when the file is complete or the run ends.

function describe(d: Download): string {
  const rate = downloadRate(d);
  if (d.total === null) return `${byteSize(d.received)} · ${rate}`;
  const eta = downloadEta(d);
  return `${vscode.l10n.t('{0} of {1}', byteSize(d.received), byteSize(d.total))} · ${rate}${eta ? ` · ${eta}` : ''}`;
}

/** Shows each download of `live` as it starts; returns when the run ends. */
export function showDownloadProgress(live: LiveRun): vscode.Disposable {
  let open: { file: string; update(d: Download): void; close(): void } | null = null;
  const openFor = (first: Download) => {
    let report: ((d: Download) => void) | null = null;
    let finish: (() => void) | null = null;
    let shown = 0;
    const pending: Download[] = [first];
    void vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading {0}', first.file), cancellable: true,
    }, (progress, token) => new Promise<void>((resolve) => {
      const cancel = token.onCancellationRequested(() => live.stop());
      report = (d) => {
        const fraction = d.total ? Math.min(1, d.received / d.total) : 0;
        const increment = Math.max(0, fraction * 100 - shown);
        shown += increment;
        progress.report({ increment, message: describe(d) });
      };
      finish = () => { cancel.dispose(); resolve(); };
      for (const d of pending.splice(0)) report(d);
    }));
    return {
      file: first.file,
      update: (d: Download) => { if (report) report(d); else pending.push(d); },
      close: () => { finish?.(); },
    };
  };
  const sub = live.onDidChange(() => {
    const d = live.download;
    if (!live.running || !d) {
      open?.close();
      open = null;
      if (!live.running) sub.dispose();
      return;
    }
    if (open && open.file !== d.file) { open.close(); open = null; }
    if (!open) open = openFor(d);
    else open.update(d);
    if (downloadDone(d)) { open.close(); open = null; }
  });
  return { dispose: () => { open?.close(); sub.dispose(); } };
}
