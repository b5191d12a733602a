// Checks every value of a training block and fills in the defaults. One rule per key, each
// with a message that says what is allowed and what was given.
import type { AugmentSpec, ScheduleSpec } from '../../dsl/training';
import type { KeyPath } from '../../loader/configLocation';
import type { ResolvedDataset, ResolvedOptimizer, ResolvedTraining } from '../../runs/types';

/**
 * Turns a problem at a key path into an error at the right place (config.ts makes one for a
 * model file and its overrides).
 */
export interface ConfigReporter {
  fail(path: KeyPath, message: string, part?: 'key' | 'value'): never;
}

/** What a run uses when neither the file nor the command line says. */
export const DEFAULTS = {
  dataset: 'mnist',
  epochs: 10,
  batchSize: 64,
  seed: 0,
  optimizer: { type: 'adam', lr: 1e-3 },
} as const;

type Obj = Record<string, unknown>;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

class Checker {
  constructor(private readonly r: ConfigReporter) {}

  name(path: KeyPath): string {
    return path.map((k, i) => (typeof k === 'number' || /^\d+$/.test(String(k)) ? `[${k}]` : `${i ? '.' : ''}${k}`)).join('');
  }

  fail(path: KeyPath, expected: string, value: unknown): never {
    this.r.fail(path, `${this.name(path)} must be ${expected}, got ${describe(value)}`);
  }

  object(path: KeyPath, value: unknown, allowed: readonly string[], example: string): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `an object like ${example}`, value);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const where = path.length ? `${this.name(path)}: unknown key` : 'unknown training key';
        this.r.fail([...path, key], `${where} '${key}' (allowed: ${allowed.join(', ')})`, 'key');
      }
    }
    return value as Obj;
  }

  required(path: KeyPath, obj: Obj, key: string, what: string): unknown {
    if (obj[key] === undefined) this.r.fail(path, `${this.name(path)} needs '${key}' (${what})`);
    return obj[key];
  }

  number(path: KeyPath, value: unknown, min: number, max: number, expected: string, opts: { int?: boolean; minOpen?: boolean; maxOpen?: boolean } = {}): number {
    const ok = typeof value === 'number' && Number.isFinite(value) && (!opts.int || Number.isInteger(value))
      && (opts.minOpen ? value > min : value >= min) && (opts.maxOpen ? value < max : value <= max);
    if (!ok) this.fail(path, expected, value);
    return value as number;
  }

  positiveInt(path: KeyPath, value: unknown): number {
    return this.number(path, value, 1, Number.MAX_SAFE_INTEGER, 'a positive integer', { int: true });
  }

  nonNegativeInt(path: KeyPath, value: unknown): number {
    return this.number(path, value, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer', { int: true });
  }

  positive(path: KeyPath, value: unknown): number {
    return this.number(path, value, 0, Infinity, 'a positive number', { minOpen: true, maxOpen: true });
  }

  nonNegative(path: KeyPath, value: unknown): number {
    return this.number(path, value, 0, Infinity, 'a non-negative number', { maxOpen: true });
  }

  boolean(path: KeyPath, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'true or false', value);
    return value;
  }

  oneOf<T extends string>(path: KeyPath, value: unknown, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
    }
    return value as T;
  }
}

const KEYS = ['dataset', 'epochs', 'batchSize', 'seed', 'optimizer', 'schedule', 'augment', 'normalize',
  'validationSplit', 'earlyStopping', 'permutePixels', 'initFrom', 'freeze'] as const;

export function checkTraining(raw: Obj, reporter: ConfigReporter): ResolvedTraining {
  const c = new Checker(reporter);
  const t = c.object([], raw, KEYS, '{ dataset: \'mnist\', epochs: 10 }');
  const epochs = t.epochs === undefined ? DEFAULTS.epochs : c.positiveInt(['epochs'], t.epochs);
  const validationSplit = t.validationSplit === undefined ? 0
    : c.number(['validationSplit'], t.validationSplit, 0, 1, 'a fraction in [0, 1)', { maxOpen: true });
  return {
    dataset: checkDataset(c, t.dataset ?? DEFAULTS.dataset),
    epochs,
    batchSize: t.batchSize === undefined ? DEFAULTS.batchSize : c.positiveInt(['batchSize'], t.batchSize),
    seed: t.seed === undefined ? DEFAULTS.seed : c.number(['seed'], t.seed, -(2 ** 53), 2 ** 53, 'an integer', { int: true }),
    optimizer: checkOptimizer(c, t.optimizer ?? DEFAULTS.optimizer),
    schedule: t.schedule === undefined ? null : checkSchedule(c, t.schedule, epochs),
    augment: t.augment === undefined ? null : checkAugment(c, t.augment),
    normalize: t.normalize === undefined ? null : checkNormalize(c, t.normalize),
    validationSplit,
    earlyStopping: t.earlyStopping === undefined ? null : checkEarlyStopping(c, t.earlyStopping),
    permutePixels: t.permutePixels === undefined ? null
      : c.number(['permutePixels'], t.permutePixels, -(2 ** 53), 2 ** 53, 'an integer seed', { int: true }),
    initFrom: t.initFrom === undefined ? null : checkRunId(c, t.initFrom),
    freeze: t.freeze === undefined ? null : checkFreeze(c, t.freeze),
  };
}

function checkDataset(c: Checker, v: unknown): ResolvedDataset {
  const ids = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'synthetic'] as const;
  if (typeof v === 'string') return c.oneOf(['dataset'], v, ids);
  const p = ['dataset'];
  const o = c.object(p, v, ['folder', 'imageSize', 'channels', 'testSplit'], "'mnist', 'fashion-mnist', 'cifar10', 'cifar100' or { folder: 'images', imageSize: [32, 32] }");
  const folder = c.required(p, o, 'folder', 'a folder with one sub-folder per class');
  if (typeof folder !== 'string' || folder.length === 0) c.fail([...p, 'folder'], 'a folder path', folder);
  const size = c.required(p, o, 'imageSize', '[height, width]');
  if (!Array.isArray(size) || size.length !== 2) c.fail([...p, 'imageSize'], 'a pair [height, width]', size);
  const imageSize = size.map((s, i) => c.positiveInt([...p, 'imageSize', i], s)) as [number, number];
  const spec: ResolvedDataset = { folder, imageSize };
  if (o.channels !== undefined) {
    if (o.channels !== 1 && o.channels !== 3) c.fail([...p, 'channels'], '1 or 3', o.channels);
    spec.channels = o.channels;
  }
  if (o.testSplit !== undefined) {
    spec.testSplit = c.number([...p, 'testSplit'], o.testSplit, 0, 1, 'a fraction in (0, 1)', { minOpen: true, maxOpen: true });
  }
  return spec;
}

function checkOptimizer(c: Checker, v: unknown): ResolvedOptimizer {
  const p = ['optimizer'];
  const example = "{ type: 'adam', lr: 0.001 }";
  if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(p, `an object like ${example}`, v);
  const type = c.oneOf([...p, 'type'], c.required(p, v as Obj, 'type', "'sgd', 'adam', 'adamw' or 'rmsprop'"), ['sgd', 'adam', 'adamw', 'rmsprop']);
  if (type === 'sgd') {
    const o = c.object(p, v, ['type', 'lr', 'momentum', 'nesterov', 'weightDecay'], example);
    const momentum = o.momentum === undefined ? 0
      : c.number([...p, 'momentum'], o.momentum, 0, 1, 'a number in [0, 1)', { maxOpen: true });
    const nesterov = o.nesterov === undefined ? false : c.boolean([...p, 'nesterov'], o.nesterov);
    if (nesterov && momentum === 0) c.fail([...p, 'nesterov'], 'false unless momentum > 0 (Nesterov needs momentum)', o.nesterov);
    return {
      type, lr: c.positive([...p, 'lr'], c.required(p, o, 'lr', 'the learning rate')), momentum, nesterov,
      weightDecay: o.weightDecay === undefined ? 0 : c.nonNegative([...p, 'weightDecay'], o.weightDecay),
    };
  }
  const o = c.object(p, v, ['type', 'lr', 'weightDecay'], example);
  return {
    type, lr: c.positive([...p, 'lr'], c.required(p, o, 'lr', 'the learning rate')),
    // AdamW's decay is decoupled and on by default (PyTorch: 0.01); elsewhere it is L2, off by default.
    weightDecay: o.weightDecay === undefined ? (type === 'adamw' ? 0.01 : 0) : c.nonNegative([...p, 'weightDecay'], o.weightDecay),
  };
}

function checkSchedule(c: Checker, v: unknown, epochs: number): ScheduleSpec {
  const p = ['schedule'];
  const example = "{ type: 'step', stepSize: 30, gamma: 0.1 }";
  if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(p, `an object like ${example}`, v);
  const type = c.oneOf([...p, 'type'], c.required(p, v as Obj, 'type', "'step', 'multistep', 'plateau' or 'cosine'"), ['step', 'multistep', 'plateau', 'cosine']);
  const gamma = (o: Obj) => c.number([...p, 'gamma'], c.required(p, o, 'gamma', 'the factor applied to the learning rate'), 0, Infinity, 'a positive number', { minOpen: true, maxOpen: true });
  switch (type) {
    case 'step': {
      const o = c.object(p, v, ['type', 'stepSize', 'gamma'], example);
      return { type, stepSize: c.positiveInt([...p, 'stepSize'], c.required(p, o, 'stepSize', 'epochs between decays')), gamma: gamma(o) };
    }
    case 'multistep': {
      const o = c.object(p, v, ['type', 'milestones', 'gamma'], "{ type: 'multistep', milestones: [30, 60], gamma: 0.1 }");
      const ms = c.required(p, o, 'milestones', 'the epochs at which to decay');
      if (!Array.isArray(ms)) c.fail([...p, 'milestones'], 'an array of epochs like [30, 60]', ms);
      const milestones = ms.map((m, i) => c.positiveInt([...p, 'milestones', i], m));
      milestones.forEach((m, i) => {
        if (i > 0 && m <= milestones[i - 1]!) c.fail([...p, 'milestones', i], `greater than the one before (${milestones[i - 1]})`, m);
      });
      return { type, milestones, gamma: gamma(o) };
    }
    case 'plateau': {
      const o = c.object(p, v, ['type', 'factor', 'patience'], "{ type: 'plateau', factor: 0.5, patience: 2 }");
      return {
        type,
        factor: c.number([...p, 'factor'], c.required(p, o, 'factor', 'the factor applied to the learning rate'), 0, 1, 'a number in (0, 1)', { minOpen: true, maxOpen: true }),
        patience: c.nonNegativeInt([...p, 'patience'], c.required(p, o, 'patience', 'epochs without improvement before reducing')),
      };
    }
    case 'cosine': {
      const o = c.object(p, v, ['type', 'warmupEpochs'], "{ type: 'cosine', warmupEpochs: 5 }");
      if (o.warmupEpochs === undefined) return { type };
      const warmupEpochs = c.nonNegativeInt([...p, 'warmupEpochs'], o.warmupEpochs);
      if (warmupEpochs >= epochs) c.fail([...p, 'warmupEpochs'], `fewer than the epochs (${epochs})`, warmupEpochs);
      return { type, warmupEpochs };
    }
  }
}

function checkAugment(c: Checker, v: unknown): AugmentSpec {
  const p = ['augment'];
  const o = c.object(p, v, ['randomCrop', 'horizontalFlip', 'rotation', 'colorJitter'], '{ randomCrop: { padding: 4 }, horizontalFlip: true }');
  const out: AugmentSpec = {};
  if (o.randomCrop !== undefined) {
    const rc = c.object([...p, 'randomCrop'], o.randomCrop, ['padding'], '{ padding: 4 }');
    out.randomCrop = { padding: c.nonNegativeInt([...p, 'randomCrop', 'padding'], c.required([...p, 'randomCrop'], rc, 'padding', 'pixels of zero padding')) };
  }
  if (o.horizontalFlip !== undefined) out.horizontalFlip = c.boolean([...p, 'horizontalFlip'], o.horizontalFlip);
  if (o.rotation !== undefined) out.rotation = c.number([...p, 'rotation'], o.rotation, 0, 180, 'degrees in [0, 180]');
  if (o.colorJitter !== undefined) {
    const q = [...p, 'colorJitter'];
    const cj = c.object(q, o.colorJitter, ['brightness', 'contrast', 'saturation', 'hue'], '{ brightness: 0.2, contrast: 0.2 }');
    out.colorJitter = {};
    for (const key of ['brightness', 'contrast', 'saturation'] as const) {
      if (cj[key] !== undefined) out.colorJitter[key] = c.nonNegative([...q, key], cj[key]);
    }
    if (cj.hue !== undefined) out.colorJitter.hue = c.number([...q, 'hue'], cj.hue, 0, 0.5, 'a number in [0, 0.5]');
  }
  return out;
}

function checkNormalize(c: Checker, v: unknown): ResolvedTraining['normalize'] {
  const p = ['normalize'];
  if (v === 'dataset') return v;
  if (typeof v === 'string') c.fail(p, "'dataset' or { mean: [...], std: [...] }", v);
  const o = c.object(p, v, ['mean', 'std'], '{ mean: [0.1307], std: [0.3081] }');
  const list = (key: 'mean' | 'std', each: (path: KeyPath, x: unknown) => number) => {
    const a = c.required(p, o, key, 'one number per channel');
    if (!Array.isArray(a) || a.length === 0) c.fail([...p, key], 'a list of numbers, one per channel', a);
    return a.map((x, i) => each([...p, key, i], x));
  };
  const mean = list('mean', (path, x) => c.number(path, x, -Infinity, Infinity, 'a number'));
  const std = list('std', (path, x) => c.positive(path, x));
  if (mean.length !== std.length) c.fail([...p, 'std'], `as long as mean (${mean.length} values)`, o.std);
  return { mean, std };
}

function checkEarlyStopping(c: Checker, v: unknown): ResolvedTraining['earlyStopping'] {
  const p = ['earlyStopping'];
  const o = c.object(p, v, ['patience', 'monitor'], "{ patience: 3, monitor: 'val_loss' }");
  return {
    patience: c.nonNegativeInt([...p, 'patience'], c.required(p, o, 'patience', 'epochs without improvement before stopping')),
    monitor: o.monitor === undefined ? 'val_loss' : c.oneOf([...p, 'monitor'], o.monitor, ['val_loss', 'val_accuracy']),
  };
}

function checkRunId(c: Checker, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') c.fail(['initFrom'], 'a run id (the name of a folder in the runs folder), or the path of a .safetensors or PyTorch state_dict file', v);
  return v;
}

function checkFreeze(c: Checker, v: unknown): ResolvedTraining['freeze'] {
  const p = ['freeze'];
  const o = c.object(p, v, ['layers', 'epochs', 'lrAfter'], "{ layers: 'all-but-last', epochs: 3, lrAfter: 1e-4 }");
  const layersValue = c.required(p, o, 'layers', "layer paths or 'all-but-last'");
  let layers: string[] | 'all-but-last';
  if (layersValue === 'all-but-last') layers = layersValue;
  else {
    if (!Array.isArray(layersValue) || layersValue.length === 0) c.fail([...p, 'layers'], "'all-but-last' or a non-empty list of layer paths", layersValue);
    layers = layersValue.map((l, i) => {
      if (typeof l !== 'string' || l.length === 0) c.fail([...p, 'layers', i], 'a layer path (or a block name)', l);
      return l;
    });
  }
  return {
    layers,
    epochs: c.nonNegativeInt([...p, 'epochs'], c.required(p, o, 'epochs', 'how many epochs to train frozen')),
    lrAfter: o.lrAfter === undefined ? null : c.positive([...p, 'lrAfter'], o.lrAfter),
  };
}
