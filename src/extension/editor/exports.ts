import type { SourceRange } from '../../dsl/ir';

// Where a model file exports each model, found in its text. A model built by a helper module
// (`export default resnet({...})`) has its `model(` call in that module, so its CodeLens, its
// totals hover and its problems found elsewhere are anchored on the export statement instead.
// A line scan is enough: the loader has already proved the file is valid TypeScript.

const DEFAULT_EXPORT = /^(\s*)export\s+default\b/;
const NAMED_EXPORT = /^(\s*)export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/;

/** export name → the range of its export statement's first line (1-based, end exclusive). */
export function exportLines(text: string, file: string): Map<string, SourceRange> {
  const found = new Map<string, SourceRange>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const d = DEFAULT_EXPORT.exec(line);
    const n = d ? null : NAMED_EXPORT.exec(line);
    const name = d ? 'default' : n?.[2];
    const indent = (d ?? n)?.[1]?.length ?? 0;
    if (name === undefined || found.has(name)) return;
    found.set(name, { file, line: i + 1, column: indent + 1, endLine: i + 1, endColumn: line.length + 1 });
  });
  return found;
}
