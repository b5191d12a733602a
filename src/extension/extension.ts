import * as vscode from 'vscode';
import { translationsFor } from '../shared/l10n/bundles';
import { useTranslations } from '../shared/l10n/translate';
import { registerArchitectureDiff } from './archDiff/register';
import { registerCompareView } from './compare/register';
import { registerEditorFeatures } from './editor/index';
import { registerExport } from './export/exportPyTorch';
import { registerGraphView } from './graph/register';
import { ModelDocuments } from './modelDocuments';
import { registerNewModelFile } from './newModelFile/register';
import { registerRunsView } from './sidebar/runsView';
import { registerSweepView } from './sweep/register';
import { openModelOnStartup } from './startup';
import { registerSummary } from './summary/index';
import { registerTraining } from './training/commands';
import { registerEvaluateRun } from './training/evaluateRun';
import { registerTaskProvider } from './training/taskProvider';
import { trackTrainingContext } from './training/trainingContextKey';

// Activation: wires the model documents service to the features that read it.
// Each feature registers itself from its own module; this file only composes them.

export function activate(context: vscode.ExtensionContext): void {
  // The pure rooms' texts (diagnostics, hovers, webviews) follow VS Code's display language too.
  useTranslations(translationsFor(vscode.env.language), vscode.env.language);
  const documents = new ModelDocuments();
  context.subscriptions.push(documents);
  registerEditorFeatures(context, documents);
  context.subscriptions.push(registerSummary(documents));
  context.subscriptions.push(registerExport(documents));
  registerGraphView(context, documents);
  registerArchitectureDiff(context, documents);
  registerCompareView(context);
  registerSweepView(context);
  // What does not fit a notification (a failed run's stack, the trainer's warnings) goes here.
  const output = vscode.window.createOutputChannel('CNN Explorer');
  context.subscriptions.push(output);
  const currentRun = registerTraining(context, documents, output);
  registerRunsView(context, currentRun);
  context.subscriptions.push(trackTrainingContext(currentRun));
  registerEvaluateRun(context);
  registerTaskProvider(context);
  registerNewModelFile(context);
  openModelOnStartup();
}

export function deactivate(): void {}
