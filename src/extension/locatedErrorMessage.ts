import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatError, type LocatedError } from '../dsl/errors';
import { toVsRange } from './editor/vscodeRanges';

/**
 * A model error as one message that says where (file name and line, not the full path) and
 * what, with Open File when the error has a place: every route that evaluates a model file for
 * a command (a shape error, a TypeError while the file runs, a bad training block) ends here.
 */
export async function showLocatedError(err: LocatedError): Promise<void> {
  const loc = err.location;
  if (!loc) {
    void vscode.window.showErrorMessage(formatError(err));
    return;
  }
  const text = `${path.basename(loc.file)}:${loc.line}: ${err.message}`;
  const openFile = vscode.l10n.t('Open File');
  if (await vscode.window.showErrorMessage(text, openFile) !== openFile) return;
  const doc = await vscode.workspace.openTextDocument(loc.file);
  await vscode.window.showTextDocument(doc, { selection: toVsRange(loc) });
}
