// Tables as text that people paste elsewhere: Markdown (GitHub's tables), CSV (RFC 4180) and
// LaTeX (a booktabs tabular). One model, built once by whoever owns the figures (the summary, the
// run comparison), and one writer per format, so that the CLI, the editor and the webviews export
// the same text. Pure: no Node, no DOM.

/** The formats a table can be written in. */
export const TABLE_FORMATS = ['md', 'csv', 'latex'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** File name extension of each format. */
export const TABLE_FORMAT_EXTENSION: Record<TableFormat, string> = { md: 'md', csv: 'csv', latex: 'tex' };

/**
 * One cell: `text` as the views print it (`61,706`, `98.12%`), and, where a number reads better
 * to a program, `raw` (61706, 0.9812), which CSV writes instead. null: an empty CSV field.
 */
export interface TableCell {
  text: string;
  raw?: number | string | null;
}

export interface DataTable {
  columns: { header: string; align?: 'left' | 'right' }[];
  rows: TableCell[][];
}

/** A cell of a plain string, or of a number shown one way and written raw in CSV. */
export function cell(text: string, raw?: number | string | null): TableCell {
  return raw === undefined ? { text } : { text, raw };
}

// ─────────────────────────────── Markdown ───────────────────────────────

/** Characters that would end a cell (`|`) or start emphasis, code or HTML inside one. */
const MARKDOWN_SPECIAL = /[\\|`*_<[\]]/g;

/** Text as Markdown that shows as written: in a table cell or in prose. */
export function markdownText(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (ch) => `\\${ch}`).replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table; numeric columns right-aligned. */
export function toMarkdown(t: DataTable): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(t.columns.map((c) => markdownText(c.header))),
    line(t.columns.map((c) => (c.align === 'right' ? '---:' : '---'))),
    ...t.rows.map((r) => line(t.columns.map((_, i) => markdownText(r[i]?.text ?? '')))),
  ].join('\n') + '\n';
}

// ─────────────────────────────── CSV ───────────────────────────────

function csvField(value: number | string | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (a header row, `\n` line ends); numbers raw where the table has them. */
export function toCsv(t: DataTable): string {
  const line = (fields: (number | string | null)[]) => fields.map(csvField).join(',');
  return [
    line(t.columns.map((c) => c.header)),
    ...t.rows.map((r) => line(t.columns.map((_, i) => {
      const c = r[i];
      return c === undefined ? null : c.raw !== undefined ? c.raw : c.text;
    }))),
  ].join('\n') + '\n';
}

// ─────────────────────────────── LaTeX ───────────────────────────────

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', _: '\\_', '%': '\\%', '&': '\\&', '#': '\\#', $: '\\$',
  '~': '\\textasciitilde{}', '^': '\\textasciicircum{}',
  // The notations' symbols, so that the table compiles without unicode support.
  '×': '$\\times$', '−': '$-$', '—': '---', '→': '$\\to$', '≈': '$\\approx$', 'Δ': '$\\Delta$', '…': '\\ldots{}',
};

/** Text as LaTeX: its special characters escaped, the notations' symbols in math mode. */
export function latexText(text: string): string {
  return text.replace(/[\\{}_%&#$~^×−—→≈Δ…]/g, (ch) => LATEX_SPECIAL[ch]!).replace(/\r?\n/g, ' ');
}

/** A `tabular` with booktabs rules (`\usepackage{booktabs}`); numeric columns right-aligned. */
export function toLatex(t: DataTable): string {
  const line = (cells: string[]) => `${cells.join(' & ')} \\\\`;
  return [
    `\\begin{tabular}{${t.columns.map((c) => (c.align === 'right' ? 'r' : 'l')).join('')}}`,
    '\\toprule',
    line(t.columns.map((c) => latexText(c.header))),
    '\\midrule',
    ...t.rows.map((r) => line(t.columns.map((_, i) => latexText(r[i]?.text ?? '')))),
    '\\bottomrule',
    '\\end{tabular}',
  ].join('\n') + '\n';
}

/** The table in one of the formats. */
export function formatTable(t: DataTable, format: TableFormat): string {
  switch (format) {
    case 'md': return toMarkdown(t);
    case 'csv': return toCsv(t);
    case 'latex': return toLatex(t);
  }
}
