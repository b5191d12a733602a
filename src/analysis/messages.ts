import type { Pair } from '../dsl/ir';
import { byteSize } from '../shared/format';
import { formatField, formatShape, formatSize } from './format';
import type { TrainingMemory } from './memory';
import type { ReceptiveField, Shape } from './types';

// Every diagnostic text analysis emits. Each names the layer (its path), the shapes involved
// and a fix that would work; tests assert them verbatim, so change them together.

export function denseNeedsFlat(path: string, input: Shape): string {
  return `${path}: input is ${formatShape(input)} but dense needs a flat input; add flatten() before it`;
}

/** `flattenedBy`: the layer that made the tensor flat, or null when the model's input is flat. */
export function spatialNeedsImage(path: string, type: string, input: Shape, flattenedBy: string | null): string {
  const fix = flattenedBy === null
    ? 'give the model an input shape [h, w, c]'
    : `move ${flattenedBy} after it`;
  return `${path}: input is flat (${formatShape(input)}) but ${type} needs an h×w×c input; ${fix}`;
}

export function kernelTooLarge(path: string, kernel: Pair, padded: Pair, input: Shape, canPadSame: boolean): string {
  const same = canPadSame ? " or padding: 'same'" : '';
  return `${path}: kernel ${formatSize(kernel)} is larger than its padded input ${formatSize(padded)} ` +
    `(input ${formatShape(input)}); use a kernel of at most ${formatSize(padded)}${same}`;
}

export function groupsMismatch(path: string, what: 'input channels' | 'filters', count: number, groups: number, suggestion: number): string {
  return `${path}: ${what} (${count}) are not divisible by groups (${groups}); use groups: ${suggestion}`;
}

export interface Labeled { label: string; shape: Shape }

export function residualShapes(path: string, main: Shape, shortcut: Shape, fix: string | null): string {
  return `${path}: main path gives ${formatShape(main)} but the shortcut gives ${formatShape(shortcut)}; ` +
    (fix ?? `make the main path end in ${formatShape(shortcut)}`);
}

export function addShapes(path: string, inputs: Labeled[]): string {
  return `${path}: inputs have different shapes (${list(inputs)}); make every branch end in ${formatShape(inputs[0]!.shape)}`;
}

export function concatSpatial(path: string, inputs: Labeled[]): string {
  const first = inputs[0]!.shape;
  return `${path}: inputs differ in spatial size (${list(inputs)}); make every branch end at ${first[0]}×${first[1]}`;
}

export function concatRanks(path: string, inputs: Labeled[]): string {
  return `${path}: cannot concatenate flat and h×w×c inputs (${list(inputs)}); flatten() every h×w×c branch first`;
}

export function misaligned(path: string, fields: { label: string; field: ReceptiveField }[]): string {
  const parts = fields.map((f) => `${f.label} ${formatField(f.field)}`).join(', ');
  return `${path}: receptive fields of the inputs are misaligned (${parts}): their centres or jumps differ`;
}

/** The warning at the layer from which training passes the machine's memory. */
export function trainingMemory(path: string, m: TrainingMemory): string {
  return `${path}: training does not fit in memory from this layer on: it needs about ${byteSize(m.totalBytes)} ` +
    `at batch size ${m.batchSize} (weights, gradients and Adam's two moments: 4 × ${byteSize(m.parameterBytes)} of parameters, ` +
    `plus activations ${byteSize(m.activationBytesPerImage)} × ${m.batchSize} × 2 for the backward pass); ` +
    `this machine has ${byteSize(m.memoryBytes)}; ${memoryFix(m)}`;
}

/** What would make it fit: a batch size that does, or a smaller model when the parameters alone do not. */
export function memoryFix(m: TrainingMemory): string {
  return m.largestBatch >= 1
    ? `lower batchSize to ${m.largestBatch} or less`
    : `make the model smaller: its parameters alone need ${byteSize(4 * m.parameterBytes)} to train`;
}

function list(inputs: Labeled[]): string {
  return inputs.map((i) => `${i.label}: ${formatShape(i.shape)}`).join(', ');
}
