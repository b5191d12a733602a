import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { pytorchFileName } from '../../../../src/extension/export/pytorchFileName';

// Export to PyTorch suggests a file beside the model file, named after it.

test('the first model of a file is <name>.py beside it; the others add their export name', () => {
  const file = path.join('/work', 'models', 'lenet.cnn.ts');
  assert.equal(pytorchFileName(file, 'default', true), path.join('/work', 'models', 'lenet.py'));
  const several = path.join('/work', 'mlp-vs-cnn.cnn.ts');
  assert.equal(pytorchFileName(several, 'cnn', true), path.join('/work', 'mlp-vs-cnn.py'));
  assert.equal(pytorchFileName(several, 'mlp', false), path.join('/work', 'mlp-vs-cnn.mlp.py'));
});
