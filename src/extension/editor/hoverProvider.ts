import * as vscode from 'vscode';
import type { ModelDocuments } from '../modelDocuments';
import { exportLines } from './exports';
import { hoverMarkdown } from './hover';
import { exportTargetAt, targetAt } from './lookup';
import { resultsFor } from './sources';
import { fromVsPosition, SOURCE_SELECTOR, toVsRange } from './vscodeRanges';

// Hover over a layer call, in a model file or a helper module it imports: what analysis says
// about the layer(s) the call made (see hover.ts). On an export statement whose model is built
// elsewhere, the model's totals.

export function registerHover(documents: ModelDocuments): vscode.Disposable {
  return vscode.languages.registerHoverProvider(SOURCE_SELECTOR, {
    provideHover(doc, position) {
      const found = resultsFor(documents, doc);
      if (!found) return undefined;
      const pos = fromVsPosition(position);
      const target = targetAt(found.results, doc.fileName, pos)
        ?? exportTargetAt(found.results, doc.fileName, exportLines(doc.getText(), doc.fileName), pos);
      if (!target) return undefined;
      // Plain Markdown: no command links, no HTML, nothing from the model file is trusted.
      const markdown = new vscode.MarkdownString(hoverMarkdown(target, { stale: found.stale }));
      return new vscode.Hover(markdown, toVsRange(target.range));
    },
  });
}
