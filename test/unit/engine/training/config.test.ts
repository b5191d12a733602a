import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError, LocatedError } from '../../../../src/dsl/errors';
import { trainingConfigLocator } from '../../../../src/loader/configLocation';
import { checkAgainstModel, resolveTraining, type ResolveInput } from '../../../../src/engine/training/config';
import { parseSetArgument, parseValue } from '../../../../src/engine/training/overrides';

// The training block as users write it: values checked before a run, errors at their place in
// the file (or on the command line). Messages are asserted exactly because users read them.

const TEXT = `import { model, type Training } from 'cnn-explorer';
// const training = { epochs: 'not this one' };
const note = "export const training = { decoy: 1 }";
export const training: Training = {
  dataset: 'mnist', /* a comment, with { braces } */
  epochs: 3,
  optimizer: { type: 'sgd', lr: -1, momentum: 0.9 },
  schedule: { type: 'multistep', milestones: [2, 2], gamma: 0.1 },
  'validationSplit': 0.1,
};
`;
const file = '/models/net.cnn.ts';

function errorOf(input: Partial<ResolveInput> & { training: unknown }): string {
  try {
    resolveTraining({ file, text: TEXT, ...input });
  } catch (err) {
    assert.ok(err instanceof LocatedError, String(err));
    return formatError(err);
  }
  assert.fail('expected a config error');
}

test('the locator finds nested keys, array elements and quoted keys, skipping comments and strings', () => {
  const loc = trainingConfigLocator(file, TEXT);
  const at = (path: (string | number)[], part?: 'key' | 'value') => {
    const r = loc.locate(path, part);
    return `${r.line}:${r.column}-${r.endLine}:${r.endColumn}`;
  };
  assert.equal(at(['optimizer', 'lr']), '7:33-7:35');
  assert.equal(at(['optimizer', 'lr'], 'key'), '7:29-7:31');
  assert.equal(at(['schedule', 'milestones', 1]), '8:50-8:51');
  assert.equal(at(['validationSplit']), '9:22-9:25');
  assert.equal(at(['epochs']), '6:11-6:12');
  // not written: the deepest written ancestor, then the declaration
  assert.equal(at(['optimizer', 'weightDecay']), '7:14-7:52');
  assert.equal(at(['freeze']), '4:1-4:22');
});

test('a bad value in the file is reported at its location', () => {
  const training = { dataset: 'mnist', epochs: 3, optimizer: { type: 'sgd', lr: -1, momentum: 0.9 } };
  assert.equal(errorOf({ training }), '/models/net.cnn.ts:7:33: optimizer.lr must be a positive number, got -1');
  assert.equal(errorOf({ training: { ...training, optimizer: { type: 'sgd', lr: 0.1 }, schedule: { type: 'multistep', milestones: [2, 2], gamma: 0.1 } } }),
    '/models/net.cnn.ts:8:50: schedule.milestones[1] must be greater than the one before (2), got 2');
  assert.equal(errorOf({ training: { epochs: 3, optimizer: { type: 'sgd', lrr: 0.1 } } }),
    '/models/net.cnn.ts:7:14: optimizer: unknown key \'lrr\' (allowed: type, lr, momentum, nesterov, weightDecay)');
  assert.equal(errorOf({ training: { epochs: 3, validationSplit: 1 } }),
    '/models/net.cnn.ts:9:22: validationSplit must be a fraction in [0, 1), got 1');
  assert.equal(errorOf({ training: { epochs: 0 } }), '/models/net.cnn.ts:6:11: epochs must be a positive integer, got 0');
  assert.equal(errorOf({ training: { dataset: 'mnst' } }),
    '/models/net.cnn.ts:5:12: dataset must be one of \'mnist\', \'fashion-mnist\', \'cifar10\', \'cifar100\', \'synthetic\', got "mnst"');
  assert.equal(errorOf({ training: { epochs: 3, augment: { rotation: 'lots' } } }),
    '/models/net.cnn.ts:4:1: augment.rotation must be degrees in [0, 180], got "lots"');
  assert.equal(errorOf({ training: { optimizer: { type: 'adam', lr: 0.1, momentum: 0.9 } } }),
    '/models/net.cnn.ts:7:37: optimizer: unknown key \'momentum\' (allowed: type, lr, weightDecay)');
  assert.equal(errorOf({ training: { optimizer: { type: 'sgd', lr: 0.1, nesterov: true } } }),
    '/models/net.cnn.ts:7:14: optimizer.nesterov must be false unless momentum > 0 (Nesterov needs momentum), got true');
});

test('a bad --set value is reported as the --set that wrote it', () => {
  const training = { epochs: 3, optimizer: { type: 'sgd', lr: 0.1 } };
  assert.equal(errorOf({ training, overrides: [parseSetArgument('optimizer.lr=-1')] }),
    '--set optimizer.lr=-1: optimizer.lr must be a positive number, got -1');
  assert.equal(errorOf({ training, overrides: [parseSetArgument("optimizer={type:'adam',lr:1,beta:2}")] }),
    "--set optimizer={type:'adam',lr:1,beta:2}: optimizer: unknown key 'beta' (allowed: type, lr, weightDecay)");
  assert.equal(errorOf({ training, overrides: [parseSetArgument('epoch=3')] }),
    "--set epoch=3: unknown training key 'epoch' (allowed: dataset, epochs, batchSize, seed, optimizer, schedule, augment, normalize, validationSplit, earlyStopping, permutePixels, initFrom, freeze)");
  assert.throws(() => parseSetArgument('optimizer.lr'), /--set optimizer.lr: expected key.path=value/);
});

test('--set values are JSON-ish, and overrides merge into the file\'s block', () => {
  assert.equal(parseValue('0.1'), 0.1);
  assert.equal(parseValue('sgd'), 'sgd');
  assert.equal(parseValue('true'), true);
  assert.deepEqual(parseValue('[30, 60]'), [30, 60]);
  assert.deepEqual(parseValue("{type:'step', stepSize: 2, gamma: 0.5}"), { type: 'step', stepSize: 2, gamma: 0.5 });
  const { config } = resolveTraining({
    file, text: TEXT, training: { epochs: 3, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } },
    overrides: [parseSetArgument('optimizer.lr=0.05'), parseSetArgument('permutePixels=7'), parseSetArgument('normalize=dataset')],
  });
  assert.deepEqual(config.optimizer, { type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: false, weightDecay: 0 });
  assert.equal(config.permutePixels, 7);
  assert.equal(config.normalize, 'dataset');
});

test('defaults fill what neither the file nor the command line says', () => {
  const { config } = resolveTraining({ file, text: '', training: undefined });
  assert.deepEqual(config, {
    dataset: 'mnist', epochs: 10, batchSize: 64, seed: 0, optimizer: { type: 'adam', lr: 0.001, weightDecay: 0 },
    schedule: null, augment: null, normalize: null, validationSplit: 0, earlyStopping: null, permutePixels: null,
    initFrom: null, freeze: null,
  });
  const adamw = resolveTraining({ file, text: '', training: { optimizer: { type: 'adamw', lr: 1e-3 } } }).config.optimizer;
  assert.equal(adamw.weightDecay, 0.01);
});

test('checks against the model and data: image shape, channels, frozen layer names', () => {
  const text = "export const training = { dataset: 'cifar10', freeze: { layers: ['features', 'head2'], epochs: 1 } };\n";
  const r = resolveTraining({ file, text, training: { dataset: 'cifar10', freeze: { layers: ['features', 'head2'], epochs: 1 } } });
  const model = { inputShape: [32, 32, 3], paths: ['features/conv2d_1', 'head'] };
  const fail = (f: () => void) => { try { f(); } catch (e) { return formatError(e as LocatedError); } return 'no error'; };
  assert.equal(fail(() => checkAgainstModel(r.config, r.reporter, model, [32, 32, 3])),
    "/models/net.cnn.ts:1:78: freeze.layers: no layer or block 'head2' in the model");
  assert.equal(fail(() => checkAgainstModel(r.config, r.reporter, { ...model, paths: ['features/a', 'head2'] }, [28, 28, 1])),
    "/models/net.cnn.ts:1:36: 'cifar10' has images of [28, 28, 1] but the model's input is [32, 32, 3]");
  assert.equal(fail(() => checkAgainstModel(r.config, r.reporter, { inputShape: [784], paths: ['features', 'head2'] }, [28, 28, 1])), 'no error');
});
