import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspaceRunsDir } from '../runs/runsDir';

// "Tasks: Run Task" → cnn-explorer: the same trainer the Train Model command starts, through the
// CLI in a terminal (its human progress: epoch, step, loss, accuracy, images/s, ETA). The run
// lands in the workspace's runs folder, so the sidebar shows it like any other.

const TASK_TYPE = 'cnn-explorer';

interface TrainTaskDefinition extends vscode.TaskDefinition {
  file: string;
  model?: string;
  epochs?: number;
  batchSize?: number;
}

function trainTask(cli: string, folder: vscode.WorkspaceFolder, def: TrainTaskDefinition): vscode.Task {
  const config = vscode.workspace.getConfiguration('cnnExplorer');
  const args = [cli, 'train', def.file];
  if (def.model) args.push('--model', def.model);
  if (def.epochs) args.push('--epochs', String(def.epochs));
  if (def.batchSize) args.push('--batch-size', String(def.batchSize));
  const runsDir = workspaceRunsDir();
  if (runsDir) args.push('--runs-dir', runsDir);
  const dataDir = config.get<string>('dataDir');
  if (dataDir) args.push('--data-dir', dataDir);
  const backend = config.get<string>('backend');
  if (backend && backend !== 'auto') args.push('--backend', backend);
  const python = config.get<string>('pythonPath')?.trim();
  if (python) args.push('--python', python);
  for (const [key, flag] of [['limitTrain', '--limit-train'], ['limitTest', '--limit-test']] as const) {
    const n = config.get<number>(key) ?? 0;
    if (n > 0) args.push(flag, String(n));
  }
  const execution = new vscode.ProcessExecution(process.execPath, args, {
    cwd: folder.uri.fsPath, env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  const name = `train ${def.file}${def.model ? ` (${def.model})` : ''}`;
  // The CLI reports a model error as `file:line:column: message`: the matcher (package.json) puts
  // it in Problems, and naming it spares the user VS Code's "scan the task output?" question.
  const task = new vscode.Task(def, folder, name, TASK_TYPE, execution, ['$cnn-explorer']);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  return task;
}

export function registerTaskProvider(context: vscode.ExtensionContext): void {
  const cli = path.join(context.extensionPath, 'dist', 'cli.js');
  context.subscriptions.push(vscode.tasks.registerTaskProvider(TASK_TYPE, {
    async provideTasks() {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder || !vscode.workspace.isTrusted) return [];
      const files = await vscode.workspace.findFiles('**/*.cnn.ts', '**/node_modules/**', 200);
      return files.map((f) => trainTask(cli, folder, { type: TASK_TYPE, file: path.relative(folder.uri.fsPath, f.fsPath) }));
    },
    resolveTask(task) {
      const def = task.definition as TrainTaskDefinition;
      const folder = task.scope && typeof task.scope === 'object' ? task.scope as vscode.WorkspaceFolder : vscode.workspace.workspaceFolders?.[0];
      return def.file && folder ? trainTask(cli, folder, def) : undefined;
    },
  }));
}
