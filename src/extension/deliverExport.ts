import * as vscode from 'vscode';
import type { ExportFormat, ExportRequest } from '../shared/messages';

// Where an exported table or chart goes: the clipboard, or a file the user picks in the save
// dialog (next to `folder` by default). Shared by the summary's export command and the compare
// view's export buttons. Says what it did, or one line of why not.

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  md: { Markdown: ['md'] },
  csv: { CSV: ['csv'] },
  latex: { LaTeX: ['tex'] },
  svg: { SVG: ['svg'] },
  png: { PNG: ['png'] },
};

/** Copies or saves `request.data`; the saved file's path, or null (copied, cancelled or failed). */
export async function deliverExport(request: Omit<ExportRequest, 'type'>, folder: vscode.Uri | undefined): Promise<string | null> {
  if (request.to === 'clipboard') {
    if (request.format === 'png') {
      void vscode.window.showErrorMessage(vscode.l10n.t('A PNG image cannot be copied as text: save it instead.'));
      return null;
    }
    await vscode.env.clipboard.writeText(request.data);
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied the {0} as {1}.', request.what, FORMAT_NAMES[request.format]));
    return null;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, request.suggestedName) : undefined,
    filters: FILTERS[request.format],
    saveLabel: vscode.l10n.t('Export {0}', FORMAT_NAMES[request.format]),
  });
  if (!target) return null;
  try {
    const bytes = request.format === 'png' ? Buffer.from(request.data, 'base64') : Buffer.from(request.data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved the {0} to {1}.', request.what, vscode.workspace.asRelativePath(target)));
    return target.fsPath;
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the {0}: {1}', request.what, err instanceof Error ? err.message : String(err)));
    return null;
  }
}

const FORMAT_NAMES: Record<ExportFormat, string> = { md: 'Markdown', csv: 'CSV', latex: 'LaTeX', svg: 'SVG', png: 'PNG' };
