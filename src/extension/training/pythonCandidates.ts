import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import type { PythonCandidate } from '../../engine/torch/python';

// Which Python the torch backend tries, in the editor: the setting cnnExplorer.pythonPath, else
// the interpreter selected in the Python extension when it is installed (docs/torch-engine.md).
// Either is the only one tried; with neither, the engine falls back to python3 on PATH and the
// system's.

/** The Python extension's selected interpreter for `resource`, or null (not installed, none selected, its API failed). */
async function pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | null> {
  if (!vscode.extensions.getExtension('ms-python.python')) return null;
  try {
    const api = await PythonExtension.api();
    const active = api.environments.getActiveEnvironmentPath(resource);
    // The path may name an environment's folder rather than its executable: resolving gives the executable.
    const resolved = await api.environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath ?? active.path ?? null;
  } catch {
    return null;
  }
}

/** The candidates for a run of the model in `resource`; [] lets the engine try its defaults. */
export async function pythonCandidates(resource: vscode.Uri | undefined): Promise<PythonCandidate[]> {
  const setting = vscode.workspace.getConfiguration('cnnExplorer', resource).get<string>('pythonPath')?.trim();
  if (setting) return [{ python: setting, from: 'the setting cnnExplorer.pythonPath' }];
  const selected = await pythonExtensionInterpreter(resource);
  return selected ? [{ python: selected, from: "the Python extension's selected interpreter" }] : [];
}
