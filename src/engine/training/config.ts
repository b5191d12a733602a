// The training configuration a run actually uses: the model file's `training` export, then the
// command line's overrides, then defaults, every value checked before anything starts. A bad
// value is reported where it was written: in the file (file:line:column) or on the command line.
import type { SourceRange } from '../../dsl/ir';
import { LocatedError } from '../../dsl/errors';
import type { ResolvedTraining } from '../../runs/types';
import { trainingConfigLocator, type ConfigLocator, type KeyPath } from '../../loader/configLocation';
import { applyOverride, type Override } from './overrides';
import { checkTraining, type ConfigReporter } from './configCheck';


/** A training value that cannot be used; `location` is where it was written, if in the file. */
export class ConfigError extends LocatedError {
  override name = 'ConfigError';
}


export function makeReporter(locator: ConfigLocator, overrides: Override[]): ConfigReporter {
  return {
    fail(path, message, part = 'value') {
      // The last override that wrote this value or one of its parents is where it came from.
      const source = [...overrides].reverse().find((o) => o.path.length <= path.length && o.path.every((k, i) => String(path[i]) === k));
      if (source) throw new ConfigError(`${source.label}: ${message}`, null);
      throw new ConfigError(message, locator.locate(path, part));
    },
  };
}

export interface ResolveInput {
  /** The file's `training` export as loaded (undefined when there is none). */
  training: unknown;
  /** Model file path and its text, to point at bad values. */
  file: string;
  text: string;
  overrides?: Override[];
}

export interface Resolved {
  config: ResolvedTraining;
  reporter: ConfigReporter;
  locate(path: KeyPath): SourceRange;
}

export function resolveTraining(input: ResolveInput): Resolved {
  const locator = trainingConfigLocator(input.file, input.text);
  const overrides = input.overrides ?? [];
  const reporter = makeReporter(locator, overrides);
  let raw: Record<string, unknown> = {};
  if (input.training !== undefined) {
    if (typeof input.training !== 'object' || input.training === null || Array.isArray(input.training)) {
      reporter.fail([], 'the training export must be an object, e.g. { dataset: \'mnist\', epochs: 10 }');
    }
    raw = input.training as Record<string, unknown>;
  }
  for (const o of overrides) raw = applyOverride(raw, o);
  const config = checkTraining(raw, reporter);
  return { config, reporter, locate: (p) => locator.locate(p) };
}

/**
 * The checks that need the model and the data: the dataset's images fit the model's input,
 * normalize has one value per channel, frozen layers exist. Reported at the value, as above.
 */
export function checkAgainstModel(
  config: ResolvedTraining, reporter: ConfigReporter,
  model: { inputShape: number[]; paths: string[] }, imageShape: [number, number, number],
): void {
  const input = model.inputShape;
  const fits = input.length === 3 ? input.every((v, i) => v === imageShape[i])
    : input.length === 1 && input[0] === imageShape[0] * imageShape[1] * imageShape[2];
  if (!fits) {
    const data = typeof config.dataset === 'string' ? `'${config.dataset}'` : 'the dataset';
    reporter.fail(['dataset'], `${data} has images of [${imageShape.join(', ')}] but the model's input is [${input.join(', ')}]`);
  }
  if (config.normalize && config.normalize !== 'dataset' && config.normalize.mean.length !== imageShape[2]) {
    reporter.fail(['normalize', 'mean'], `normalize needs one mean and std per channel (${imageShape[2]}), got ${config.normalize.mean.length}`);
  }
  if (config.freeze && config.freeze.layers !== 'all-but-last') {
    config.freeze.layers.forEach((name, i) => {
      if (!model.paths.some((p) => p === name || p.startsWith(`${name}/`))) {
        reporter.fail(['freeze', 'layers', i], `freeze.layers: no layer or block '${name}' in the model`);
      }
    });
  }
}
