import * as vscode from 'vscode';
import type { AnalyzedModel } from '../../analysis/types';
import { hasChanges, mergeArchitectures, signedCompact, signedCount } from '../../runs/archMerge';
import { headCommit, textAtRevision } from './git';
import { analyzeVersion, counterpart, type ModelVersion } from './versions';

// What each model file is at HEAD, analysed, for the CodeLens that says how the architecture
// changed since the last commit. Kept per file and HEAD commit: the text is fetched and
// evaluated again only when HEAD moves, and HEAD itself is looked up at most every few seconds
// (free through the git extension's state; one `git rev-parse` otherwise), never per keystroke.

const RECHECK_MS = 10_000;

interface Baseline {
  commit: string | null;
  /** The file's text at HEAD (null: not in a repository, or not committed). */
  text: string | null;
  version: ModelVersion | null;
  checkedAt: number;
  refreshing: boolean;
}

export class HeadBaselines implements vscode.Disposable {
  private readonly baselines = new Map<string, Baseline>();
  /** The last title per document, version and export: the lens asks again on every scroll. */
  private readonly titles = new Map<string, { key: string; title: string | null }>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a file's HEAD version is known or has changed (the lenses should be asked again). */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly recheckMs = RECHECK_MS) {}

  /** `Δ vs HEAD: +852 params · +80,000 MACs · 4 layers differ`, or null (same as HEAD, no HEAD, not known yet). */
  title(doc: vscode.TextDocument, after: AnalyzedModel): string | null {
    const key = doc.uri.toString();
    const baseline = this.baselines.get(key);
    if (!baseline || Date.now() - baseline.checkedAt >= this.recheckMs) void this.refresh(doc.uri);
    if (!baseline?.version || baseline.text === doc.getText()) return null;
    const memoKey = `${doc.version}#${after.exportName}#${baseline.commit}`;
    const memo = this.titles.get(`${key}#${after.exportName}`);
    if (memo?.key === memoKey) return memo.title;
    const before = counterpart(baseline.version, after.exportName);
    let title: string | null = null;
    if (before) {
      const { diff } = mergeArchitectures(before, after, { before: 'HEAD', after: '' });
      if (hasChanges(diff)) {
        title = vscode.l10n.t('Δ vs HEAD: {0} params · {1} MACs · {2} layers differ', signedCount(...diff.totals.params),
          signedCompact(...diff.totals.macs), Object.keys(diff.layers).length);
      }
    }
    this.titles.set(`${key}#${after.exportName}`, { key: memoKey, title });
    return title;
  }

  private async refresh(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const known = this.baselines.get(key);
    if (known?.refreshing || !vscode.workspace.isTrusted) return;
    const baseline: Baseline = known ?? { commit: null, text: null, version: null, checkedAt: 0, refreshing: false };
    baseline.refreshing = true;
    this.baselines.set(key, baseline);
    try {
      const commit = await headCommit(uri);
      // A version known for this HEAD is kept until HEAD moves. One that could not be read or
      // evaluated is looked at again at the next recheck, since the cause may pass (a module it
      // imports mid-edit, a loaded machine past the evaluation's time limit).
      const settled = baseline.checkedAt > 0 && (commit === null || baseline.version !== null);
      if (commit === baseline.commit && settled) return;
      baseline.commit = commit;
      baseline.text = null;
      baseline.version = null;
      if (commit) {
        try {
          baseline.text = await textAtRevision(uri, 'HEAD');
          baseline.version = await analyzeVersion(uri, baseline.text, 'HEAD');
        } catch {
          // Not committed yet, or HEAD's version does not evaluate: no lens, for now.
        }
      }
      this.emitter.fire();
    } finally {
      baseline.checkedAt = Date.now();
      baseline.refreshing = false;
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
