import * as path from 'node:path';
import * as vscode from 'vscode';
import { asModelFileName, freeModelFileName } from './fileName';
import { MODEL_TEMPLATES, type ModelTemplate, type TemplateId } from './templateList';
import { TEMPLATE_TEXTS } from './templateTexts';

// CNN: New Model File — a template picked from a list, saved where the user says (the workspace
// folder, or the Explorer folder it was asked on, by default) and opened. The file is written to
// disk at once: a model file is analysed only as *.cnn.ts on disk, where `cnn-explorer` imports
// resolve. Also the walkthrough's first step, which opens the workspace's LeNet-5 (or makes one).

const NEW_MODEL_FILE_COMMAND = 'cnnExplorer.newModelFile';
const OPEN_EXAMPLE_COMMAND = 'cnnExplorer.openExample';

export function registerNewModelFile(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    // From the Explorer's context menu the first argument is the folder right-clicked.
    vscode.commands.registerCommand(NEW_MODEL_FILE_COMMAND, async (folder?: unknown) => {
      const template = await pickTemplate();
      if (template) await createModelFile(template, folder instanceof vscode.Uri ? folder : undefined);
    }),
    vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, openExample),
  );
}

/** What the quick pick shows of each template. */
function describe(id: TemplateId): { label: string; detail: string } {
  switch (id) {
    case 'blank': return { label: vscode.l10n.t('Blank'),
      detail: vscode.l10n.t('One convolution, a pool and a classifier for 28×28 grey images, to build on') };
    case 'lenet': return { label: 'LeNet-5',
      detail: vscode.l10n.t('The classic digit recogniser: sigmoid, average pooling, MNIST (61,706 parameters)') };
    case 'vgg': return { label: 'VGG',
      detail: vscode.l10n.t('Stacked 3×3 convolutions with BatchNorm in five pooled stages, CIFAR-10') };
    case 'resnet': return { label: 'ResNet-18',
      detail: vscode.l10n.t('Residual blocks with identity and projection shortcuts, CIFAR-10') };
    case 'mobilenet': return { label: 'MobileNetV2',
      detail: vscode.l10n.t('Inverted residuals with depthwise convolutions, CIFAR-10') };
    case 'mlp-vs-cnn': return { label: vscode.l10n.t('MLP vs CNN'),
      detail: vscode.l10n.t('Two models of the same size on MNIST, to train both and compare the runs') };
  }
}

async function pickTemplate(): Promise<ModelTemplate | undefined> {
  const picked = await vscode.window.showQuickPick(
    MODEL_TEMPLATES.map((template) => ({ ...describe(template.id), template })),
    { title: vscode.l10n.t('New Model File'), placeHolder: vscode.l10n.t('Start from a template') },
  );
  return picked?.template;
}

/** Writes the template where the user chooses and opens it; the file's URI, or undefined if cancelled. */
async function createModelFile(template: ModelTemplate, folder?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const dir = folder ?? defaultFolder();
  const defaultUri = dir && vscode.Uri.joinPath(dir, await freeModelFileName(template.fileName, (name) => exists(vscode.Uri.joinPath(dir, name))));
  const chosen = await vscode.window.showSaveDialog({
    defaultUri,
    filters: { [vscode.l10n.t('Model files (*.cnn.ts)')]: ['ts'] },
    saveLabel: vscode.l10n.t('Create'),
    title: vscode.l10n.t('New Model File: {0}', describe(template.id).label),
  });
  if (!chosen) return undefined;
  const target = chosen.with({ path: path.posix.join(path.posix.dirname(chosen.path), asModelFileName(path.posix.basename(chosen.path))) });
  // The save dialog asked about replacing the name it was given, not the one made from it.
  if (target.toString() !== chosen.toString() && await exists(target)) {
    const replaceLabel = vscode.l10n.t('Replace');
    const replace = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} already exists. Replace it?', vscode.workspace.asRelativePath(target)), { modal: true }, replaceLabel);
    if (replace !== replaceLabel) return undefined;
  }
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(TEMPLATE_TEXTS[template.id]));
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot write {0}: {1}', vscode.workspace.asRelativePath(target), (err as Error).message));
    return undefined;
  }
  await vscode.window.showTextDocument(target, { preview: false, viewColumn: columnToOpenIn() });
  return target;
}

/** The walkthrough's "open an example": the workspace's lenet.cnn.ts, else a new one from the template. */
async function openExample(): Promise<void> {
  const [found] = await vscode.workspace.findFiles('**/lenet.cnn.ts', '**/node_modules/**', 1);
  if (found) await vscode.window.showTextDocument(found, { preview: false, viewColumn: columnToOpenIn() });
  else await createModelFile(templateById('lenet'));
}

function templateById(id: TemplateId): ModelTemplate {
  return MODEL_TEMPLATES.find((t) => t.id === id)!;
}

/** The folder of the active file's workspace folder, else the first one; none without a folder open. */
function defaultFolder(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)?.uri) ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/**
 * Beside the active editor when that is not a text editor (the walkthrough, the welcome page, a
 * graph): the page the user came from stays in view, and so does the file for its next step.
 */
function columnToOpenIn(): vscode.ViewColumn {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return tab && !(tab.input instanceof vscode.TabInputText) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
