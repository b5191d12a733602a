import type { Pair } from '../dsl/ir';
import { byteSize } from '../shared/format';
import { tr } from '../shared/l10n/translate';
import { formatField, formatShape, formatSize } from './format';
import type { TrainingMemory } from './memory';
import type { ReceptiveField, Shape } from './types';

// Every diagnostic text analysis emits. Each names the layer (its path), the shapes involved
// and a fix that would work; tests assert them verbatim, so change them together. English is the
// key of each translation (l10n/bundle.l10n.zh-cn.json): change both.

export function denseNeedsFlat(path: string, input: Shape): string {
  return tr('{path}: input is {shape} but dense needs a flat input; add flatten() before it', { path, shape: formatShape(input) });
}

/** `flattenedBy`: the layer that made the tensor flat, or null when the model's input is flat. */
export function spatialNeedsImage(path: string, type: string, input: Shape, flattenedBy: string | null): string {
  const fix = flattenedBy === null
    ? tr('give the model an input shape [h, w, c]')
    : tr('move {0} after it', flattenedBy);
  return tr('{path}: input is flat ({shape}) but {type} needs an h×w×c input; {fix}', { path, shape: formatShape(input), type, fix });
}

export function kernelTooLarge(path: string, kernel: Pair, padded: Pair, input: Shape, canPadSame: boolean): string {
  const args = { path, kernel: formatSize(kernel), padded: formatSize(padded), input: formatShape(input) };
  return canPadSame
    ? tr("{path}: kernel {kernel} is larger than its padded input {padded} (input {input}); use a kernel of at most {padded} or padding: 'same'", args)
    : tr('{path}: kernel {kernel} is larger than its padded input {padded} (input {input}); use a kernel of at most {padded}', args);
}

export function groupsMismatch(path: string, what: 'input channels' | 'filters', count: number, groups: number, suggestion: number): string {
  const args = { path, count, groups, suggestion };
  return what === 'filters'
    ? tr('{path}: filters ({count}) are not divisible by groups ({groups}); use groups: {suggestion}', args)
    : tr('{path}: input channels ({count}) are not divisible by groups ({groups}); use groups: {suggestion}', args);
}

export interface Labeled { label: string; shape: Shape }

export function residualShapes(path: string, main: Shape, shortcut: Shape, fix: string | null): string {
  return tr('{path}: main path gives {main} but the shortcut gives {shortcut}; {fix}', {
    path, main: formatShape(main), shortcut: formatShape(shortcut),
    fix: fix ?? tr('make the main path end in {0}', formatShape(shortcut)),
  });
}

export function addShapes(path: string, inputs: Labeled[]): string {
  return tr('{path}: inputs have different shapes ({inputs}); make every branch end in {shape}', { path, inputs: list(inputs), shape: formatShape(inputs[0]!.shape) });
}

export function concatSpatial(path: string, inputs: Labeled[]): string {
  const first = inputs[0]!.shape;
  return tr('{path}: inputs differ in spatial size ({inputs}); make every branch end at {size}', { path, inputs: list(inputs), size: `${first[0]}×${first[1]}` });
}

export function concatRanks(path: string, inputs: Labeled[]): string {
  return tr('{path}: cannot concatenate flat and h×w×c inputs ({inputs}); flatten() every h×w×c branch first', { path, inputs: list(inputs) });
}

export function misaligned(path: string, fields: { label: string; field: ReceptiveField }[]): string {
  const parts = fields.map((f) => `${f.label} ${formatField(f.field)}`).join(', ');
  return tr('{path}: receptive fields of the inputs are misaligned ({fields}): their centres or jumps differ', { path, fields: parts });
}

/** The warning at the layer from which training passes the machine's memory. */
export function trainingMemory(path: string, m: TrainingMemory): string {
  return tr("{path}: training does not fit in memory from this layer on: it needs about {total} at batch size {batch} (weights, gradients and Adam's two moments: 4 × {params} of parameters, plus activations {activations} × {batch} × 2 for the backward pass); this machine has {memory}; {fix}", {
    path, total: byteSize(m.totalBytes), batch: m.batchSize, params: byteSize(m.parameterBytes),
    activations: byteSize(m.activationBytesPerImage), memory: byteSize(m.memoryBytes), fix: memoryFix(m),
  });
}

/** What would make it fit: a batch size that does, or a smaller model when the parameters alone do not. */
export function memoryFix(m: TrainingMemory): string {
  return m.largestBatch >= 1
    ? tr('lower batchSize to {0} or less', m.largestBatch)
    : tr('make the model smaller: its parameters alone need {0} to train', byteSize(4 * m.parameterBytes));
}

function list(inputs: Labeled[]): string {
  return inputs.map((i) => `${i.label}: ${formatShape(i.shape)}`).join(', ');
}
