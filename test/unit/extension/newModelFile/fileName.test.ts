import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asModelFileName, freeModelFileName } from '../../../../src/extension/newModelFile/fileName';

// A new model file must be named *.cnn.ts, or the extension would not analyse it.

test('a typed name becomes a model file name', () => {
  assert.equal(asModelFileName('net'), 'net.cnn.ts');
  assert.equal(asModelFileName('net.ts'), 'net.cnn.ts');
  assert.equal(asModelFileName('net.cnn.ts'), 'net.cnn.ts');
  assert.equal(asModelFileName('v1.2'), 'v1.2.cnn.ts');
});

test('the offered name does not replace a file already there', async () => {
  const existing = new Set(['lenet.cnn.ts', 'lenet-2.cnn.ts']);
  const taken = async (name: string) => existing.has(name);
  assert.equal(await freeModelFileName('lenet.cnn.ts', taken), 'lenet-3.cnn.ts');
  assert.equal(await freeModelFileName('resnet.cnn.ts', taken), 'resnet.cnn.ts');
});
