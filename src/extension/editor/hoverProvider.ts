import * as vscode from 'vscode';
import { isModelDocument, type ModelDocuments } from '../modelDocuments';
import { hoverMarkdown } from './hover';
import { targetAt } from './lookup';
import { fromVsPosition, MODEL_SELECTOR, toVsRange } from './vscodeRanges';

// Hover over a layer call: what analysis says about the layer(s) it made (see hover.ts).

export function registerHover(documents: ModelDocuments): vscode.Disposable {
  return vscode.languages.registerHoverProvider(MODEL_SELECTOR, {
    provideHover(doc, position) {
      if (!isModelDocument(doc)) return undefined;
      const state = documents.get(doc.uri);
      if (!state) return undefined;
      const target = targetAt(state.models, doc.fileName, fromVsPosition(position));
      if (!target) return undefined;
      // Plain Markdown: no command links, no HTML, nothing from the model file is trusted.
      const markdown = new vscode.MarkdownString(hoverMarkdown(target, { stale: state.stale }));
      return new vscode.Hover(markdown, toVsRange(target.range));
    },
  });
}
