import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../../../src/analysis/index';
import { formatSummaryTable } from '../../../../src/analysis/table';
import { LocatedError } from '../../../../src/dsl/errors';
import { summaryText } from '../../../../src/extension/summary/summaryText';
import { loadModelFile } from '../../../../src/loader/index';

// The summary document's text: the CLI's table (one implementation), plus status and problems.

describe('summary document', async () => {
  const file = path.resolve('examples/lenet.cnn.ts');
  const results = (await loadModelFile(file)).models.map((m) => ({ ...m, analysis: analyzeModel(m.model) }));
  const table = formatSummaryTable(results[0]!.model, 'default', results[0]!.analysis);

  it('is the CLI table for a model that evaluates', () => {
    assert.equal(summaryText(results, 'default', { stale: false, error: null }), `${table}\n`);
    assert.match(table, /^LeNet-5 \(export default\), input 28×28×1\n/);
    assert.match(table, /Trainable params: +61,706/);
  });

  it('keeps the last table under a note while the file does not evaluate', () => {
    const error = new LocatedError('Expected ")" but found ";"', { file, line: 9, column: 14, endLine: 9, endColumn: 14 });
    const text = summaryText(results, 'default', { stale: true, error });
    assert.equal(text, `(stale) The file does not evaluate: ${file}:9:14: Expected ")" but found ";"\n\n${table}\n`);
  });

  it('names the exports when the asked one is missing', () => {
    assert.equal(summaryText(results, 'big', { stale: false, error: null }), "No exported model 'big' (exports: default).\n");
  });
});
