import type { ModelIR } from '../dsl/ir';
import { formatTable, latexText, markdownText, toMarkdown, type TableFormat } from '../shared/tableFormats';
import { formatShape } from './format';
import { summaryDataTable, summaryTitle, summaryTotals } from './table';
import type { Diagnostic, ModelAnalysis } from './types';

// The summary as people paste it elsewhere (`cnn-explorer summary --format md|csv|latex`, and
// CNN: Export Summary… in the editor): the same table, cells and totals as the text summary
// (table.ts), written as Markdown, CSV or LaTeX. CSV is the layer table alone, counts as plain
// numbers, so that it loads as one table; Markdown and LaTeX add the title, the totals and the
// model's problems.

function problemText(d: Diagnostic): string {
  return `${d.source ? `${d.source.line}:${d.source.column}: ` : ''}${d.severity}: ${d.message}`;
}

export function formatSummaryAs(ir: ModelIR, exportName: string, analysis: ModelAnalysis, format: TableFormat): string {
  const table = summaryDataTable(ir, analysis);
  const totals = summaryTotals(analysis);
  const problems = analysis.diagnostics.map(problemText);
  switch (format) {
    case 'csv':
      return formatTable(table, 'csv');
    case 'md':
      return [
        `**${markdownText(ir.name)}** (export ${markdownText(exportName)}), input ${formatShape(ir.inputShape)}`,
        '',
        toMarkdown(table),
        ...totals.map(([label, value]) => `- ${label}: ${value}`),
        ...(problems.length ? ['', ...problems.map((p) => `- ${markdownText(p)}`)] : []),
        '',
      ].join('\n');
    case 'latex':
      return [
        `% ${summaryTitle(ir, exportName)}; needs \\usepackage{booktabs}`,
        formatTable(table, 'latex').trimEnd(),
        '',
        '\\begin{tabular}{lr}',
        ...totals.map(([label, value]) => `${latexText(label)} & ${latexText(value)} \\\\`),
        '\\end{tabular}',
        ...problems.map((p) => `% ${p.replace(/\r?\n/g, ' ')}`),
        '',
      ].join('\n');
  }
}

