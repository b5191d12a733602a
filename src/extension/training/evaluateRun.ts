import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findRun, listRuns } from '../../runs/store';
import { datasetLabel } from '../../runs/text';
import type { BackendPreference } from '../../shared/backends';
import { decimal, exactCount, percent } from '../../shared/format';
import { workspaceRunsDir } from '../runs/runsDir';
import { pythonCandidates } from './pythonCandidates';

// Evaluate Run: re-evaluates a run's best checkpoint on its test set with the CLI's `evaluate`
// (a child process: tfjs never loads in the extension host), on the engine the setting
// cnnExplorer.backend names; with `auto`, on the engine that trained the run, as the CLI decides.

const EVALUATE_RUN_COMMAND = 'cnnExplorer.evaluateRun';

interface EvaluateResult { runId: string; epoch: number; testAccuracy: number; testLoss: number; count: number }

/** The CLI's --backend, and --python where torch may evaluate (the Python extension is asked only then). */
async function engineArgs(runsDir: string, id: string): Promise<string[]> {
  const backend = vscode.workspace.getConfiguration('cnnExplorer').get<BackendPreference>('backend') ?? 'auto';
  const torchMayRun = backend === 'torch' || (backend === 'auto' && findRun(runsDir, id)?.record?.backend?.name === 'torch');
  const [python] = torchMayRun ? await pythonCandidates(vscode.Uri.file(runsDir)) : [];
  return ['--backend', backend, ...(python ? ['--python', python.python] : [])];
}

/** The engine the CLI's backend line names (`backend torch (cpu, …): …`), for the message. */
function evaluatedOn(stderr: string): string {
  const name = /^backend (\S+)/m.exec(stderr)?.[1];
  return name ? vscode.l10n.t(' (on {0})', name) : '';
}

async function pickRun(runsDir: string): Promise<string | undefined> {
  const runs = listRuns(runsDir).filter((r) => r.record?.bestEpoch !== null && r.record !== null);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No run has a checkpoint to evaluate yet: train a model first.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(runs.map((r) => ({
    label: r.record!.model.name, description: datasetLabel(r.record!), detail: `${r.id} · ${r.record!.status}`, id: r.id,
  })), { placeHolder: vscode.l10n.t("Evaluate which run's best checkpoint?") });
  return picked?.id;
}

export function registerEvaluateRun(context: vscode.ExtensionContext): void {
  const cli = path.join(context.extensionPath, 'dist', 'cli.js');
  context.subscriptions.push(vscode.commands.registerCommand(EVALUATE_RUN_COMMAND, async (runId?: string) => {
    const runsDir = workspaceRunsDir();
    if (!runsDir) return void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder with runs first.'));
    const id = typeof runId === 'string' ? runId : await pickRun(runsDir);
    if (!id) return;
    const engine = await engineArgs(runsDir, id);
    const output = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Evaluating {0}…', id) },
      () => new Promise<{ stdout: string; stderr: string; failed: boolean }>((resolve) => {
        execFile(process.execPath, [cli, 'evaluate', id, '--runs-dir', runsDir, ...engine, '--json'], {
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 16 * 1024 * 1024,
        }, (err, stdout, stderr) => resolve({ stdout, stderr, failed: err !== null }));
      }));
    if (output.failed) {
      return void vscode.window.showErrorMessage(vscode.l10n.t('Evaluate Run: {0}', output.stderr.trim().split('\n').pop() ?? vscode.l10n.t('failed')));
    }
    const result = JSON.parse(output.stdout.trim().split('\n').pop()!) as EvaluateResult;
    void vscode.window.showInformationMessage(
      vscode.l10n.t('{run}, best checkpoint (epoch {epoch}): test accuracy {accuracy}, loss {loss} on {count} images{on}.', {
        run: result.runId, epoch: result.epoch, accuracy: percent(result.testAccuracy), loss: decimal(result.testLoss),
        count: exactCount(result.count), on: evaluatedOn(output.stderr),
      }));
  }));
}
