import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cell, formatTable, latexText, toCsv, toLatex, toMarkdown, type DataTable } from '../../../src/shared/tableFormats';
import { readCsv } from '../../support/csv';

// The table writers behind every export: what each format needs escaped is escaped, so that a
// run name or a layer path with a `|`, a quote or a `%` pastes as the same text, and CSV carries
// the raw numbers.

const table: DataTable = {
  columns: [{ header: 'layer' }, { header: 'params', align: 'right' }],
  rows: [
    [cell('conv1'), cell('156', 156)],
    [cell('fc'), cell('1,234,567', 1234567)],
  ],
};

test('Markdown: a header, an alignment row (numbers to the right), one line per row', () => {
  assert.equal(toMarkdown(table), [
    '| layer | params |',
    '| --- | ---: |',
    '| conv1 | 156 |',
    '| fc | 1,234,567 |',
    '',
  ].join('\n'));
});

test('Markdown: a | does not split the cell, and emphasis, code and HTML characters show as written', () => {
  const t: DataTable = { columns: [{ header: 'a|b' }], rows: [[cell('x | y *not em* _nor_ `code` <b> [link] back\\slash\nnext')]] };
  assert.deepEqual(toMarkdown(t).split('\n'), [
    '| a\\|b |',
    '| --- |',
    '| x \\| y \\*not em\\* \\_nor\\_ \\`code\\` \\<b> \\[link\\] back\\\\slash next |',
    '',
  ]);
});

test('CSV: raw numbers where the table has them, the text elsewhere, RFC 4180 quoting', () => {
  assert.equal(toCsv(table), 'layer,params\nconv1,156\nfc,1234567\n');
  const nasty = ['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded ', 'crlf\r\nend', '', '=1+1'];
  const t: DataTable = { columns: nasty.map((_, i) => ({ header: `c${i}` })), rows: [nasty.map((s) => cell(s))] };
  const text = toCsv(t);
  assert.equal(text.split('\n')[1], 'plain,"a,b","say ""hi""","two');
  // Read back by a reader of our own: every field comes back as it was.
  assert.deepEqual(readCsv(text), [nasty.map((_, i) => `c${i}`), nasty]);
});

test('CSV: a missing value is an empty field; a raw null too', () => {
  const t: DataTable = { columns: [{ header: 'a' }, { header: 'b' }, { header: 'c' }], rows: [[cell('—', null), cell('x')]] };
  assert.equal(toCsv(t), 'a,b,c\n,x,\n');
});

test('LaTeX: every special character escaped, the notations\' symbols in math mode', () => {
  assert.equal(latexText('a_b 50% R&D #1 $5 {x} ~y ^z back\\slash'),
    'a\\_b 50\\% R\\&D \\#1 \\$5 \\{x\\} \\textasciitilde{}y \\textasciicircum{}z back\\textbackslash{}slash');
  assert.equal(latexText('28×28×6 — 3→4 ≈1.00e27 Δ −2 …'), '28$\\times$28$\\times$6 --- 3$\\to$4 $\\approx$1.00e27 $\\Delta$ $-$2 \\ldots{}');
  assert.equal(toLatex(table), [
    '\\begin{tabular}{lr}',
    '\\toprule',
    'layer & params \\\\',
    '\\midrule',
    'conv1 & 156 \\\\',
    'fc & 1,234,567 \\\\',
    '\\bottomrule',
    '\\end{tabular}',
    '',
  ].join('\n'));
});

test('formatTable picks the writer', () => {
  assert.equal(formatTable(table, 'md'), toMarkdown(table));
  assert.equal(formatTable(table, 'csv'), toCsv(table));
  assert.equal(formatTable(table, 'latex'), toLatex(table));
});
