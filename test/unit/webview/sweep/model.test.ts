import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildModel, filterRows, formatCell, sortRows, type Brush } from '../../../../webview/sweep/model';
import { generatedSweep, LEARNING_RATES } from '../../../support/sweepHarness';

// The sweep view's pure model: which axes a sweep gets and how each is scaled, and which rows
// the brushes and the text filter let through, in which order.

const table = generatedSweep(56); // every lr × batch × optimizer once
const model = buildModel(table);
const col = (key: string) => model.columns.findIndex((c) => c.key === key);

test('one axis per varying hyperparameter, then one per metric; learning rates log, numbers linear, words points', () => {
  assert.deepEqual(model.columns.map((c) => c.key), [
    'optimizer.lr', 'batchSize', 'optimizer.type',
    'bestTestAccuracy', 'finalTestAccuracy', 'bestTestLoss', 'finalTestLoss', 'imagesPerSecond', 'seconds',
  ]);
  assert.equal(model.columns[col('optimizer.lr')]!.scale, 'log');
  assert.deepEqual(model.columns[col('optimizer.lr')]!.domain, [0.0001, 0.1]);
  assert.equal(model.columns[col('batchSize')]!.scale, 'linear');
  assert.equal(model.columns[col('optimizer.type')]!.scale, 'point');
  assert.deepEqual(model.columns[col('optimizer.type')]!.categories, ['sgd', 'adam']);
  assert.equal(model.columns[col('bestTestLoss')]!.higherIsBetter, false);
});

test('a metric no run has yet gets no axis; a mixed column (numbers and null and words) is categorical', () => {
  const t = generatedSweep(3);
  t.runs.forEach((r, i) => { r.metrics[1] = null; r.params[1] = i === 0 ? 'auto' : 64; });
  const m = buildModel(t);
  assert.equal(m.columns.some((c) => c.key === 'finalTestAccuracy'), false);
  const batch = m.columns.find((c) => c.key === 'batchSize')!;
  assert.equal(batch.scale, 'point');
  assert.deepEqual(batch.categories, ['auto', '64']);
});

test('a range brush keeps the runs inside it; brushes on two axes must both hold', () => {
  const lr: Brush = { kind: 'range', lo: 0.0009, hi: 0.0031 };
  const shown = filterRows(model, new Map([['optimizer.lr', lr]]), '');
  assert.equal(shown.length, 56 / LEARNING_RATES.length * 2);
  for (const i of shown) assert.ok([0.001, 0.003].includes(model.rows[i]!.cells[col('optimizer.lr')] as number));
  const both = filterRows(model, new Map<string, Brush>([['optimizer.lr', lr], ['optimizer.type', { kind: 'set', values: ['adam'] }]]), '');
  assert.equal(both.length, shown.length / 2);
  assert.ok(both.every((i) => model.rows[i]!.cells[col('optimizer.type')] === 'adam'));
  assert.deepEqual(filterRows(model, new Map([['optimizer.lr', { kind: 'range', lo: 1, hi: 2 }]]), ''), []);
});

test('the text filter matches every word in the name or any shown cell, ignoring case', () => {
  assert.deepEqual(filterRows(model, new Map(), 'RUN-00003').map((i) => model.rows[i]!.id), ['run-00003']);
  const adam = filterRows(model, new Map(), 'adam 0.1');
  assert.ok(adam.length > 0);
  assert.ok(adam.every((i) => model.rows[i]!.cells[col('optimizer.type')] === 'adam'));
});

test('sorting by a column puts runs without a value last in both directions; by name with numbers in order', () => {
  const t = generatedSweep(4);
  t.runs[1]!.metrics[0] = null;
  const m = buildModel(t);
  const c = m.columns.findIndex((x) => x.key === 'bestTestAccuracy');
  const up = sortRows(m, [0, 1, 2, 3], { column: c, descending: false });
  const down = sortRows(m, [0, 1, 2, 3], { column: c, descending: true });
  assert.equal(up.at(-1), 1);
  assert.equal(down.at(-1), 1);
  const values = (o: number[]) => o.slice(0, 3).map((i) => m.rows[i]!.cells[c] as number);
  assert.deepEqual(values(up), [...values(up)].sort((a, b) => a - b));
  assert.deepEqual(values(down), [...values(down)].sort((a, b) => b - a));
  assert.deepEqual(sortRows(m, [3, 0, 2, 1], { column: -1, descending: false }), [0, 1, 2, 3]);
});

test('cells read as the rest of the product writes them', () => {
  const row = model.rows[2]!;
  assert.equal(formatCell(model.columns[col('optimizer.lr')]!, row.cells[col('optimizer.lr')]!), '0.001');
  assert.match(formatCell(model.columns[col('bestTestAccuracy')]!, row.cells[col('bestTestAccuracy')]!), /^\d+\.\d\d%$/);
  assert.equal(formatCell(model.columns[col('seconds')]!, 62), '1m 02s');
  assert.equal(formatCell(model.columns[col('bestTestLoss')]!, null), '—');
});
