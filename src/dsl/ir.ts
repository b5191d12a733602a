// The IR: one graph per model that every other part of CNN Explorer reads.
// Pure data (JSON-serialisable), so it crosses process and webview boundaries unchanged.

/** 1-based, inclusive start, exclusive end column (as editors count). */
export interface SourceRange {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type Pair = [number, number];
/** Numeric padding is symmetric per axis, as PyTorch's `padding=`; strings are TensorFlow's. */
export type PaddingSpec = Pair | 'same' | 'valid';

export const ACTIVATIONS = [
  'relu', 'relu6', 'hardswish', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'logSoftmax',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export interface Conv2dOp {
  type: 'conv2d';
  filters: number;
  kernel: Pair;
  stride: Pair;
  padding: PaddingSpec;
  dilation: Pair;
  groups: number;
  bias: boolean;
  activation: ActivationName | null;
}
export interface DepthwiseConv2dOp {
  type: 'depthwiseConv2d';
  kernel: Pair;
  multiplier: number;
  stride: Pair;
  padding: PaddingSpec;
  dilation: Pair;
  bias: boolean;
  activation: ActivationName | null;
}
export interface Pool2dOp {
  type: 'maxPool2d' | 'avgPool2d';
  kernel: Pair;
  stride: Pair;
  padding: PaddingSpec;
  ceilMode: boolean;
}
export interface AdaptiveAvgPool2dOp { type: 'adaptiveAvgPool2d'; size: Pair }
export interface GlobalPoolOp { type: 'globalAvgPool' | 'globalMaxPool' }
export interface BatchNormOp { type: 'batchNorm'; epsilon: number; momentum: number }
export interface LrnOp { type: 'lrn'; size: number; alpha: number; beta: number; k: number }
export interface DropoutOp { type: 'dropout'; rate: number }
export interface FlattenOp { type: 'flatten' }
export interface DenseOp { type: 'dense'; units: number; bias: boolean; activation: ActivationName | null }
/** [top, bottom, left, right] */
export interface ZeroPad2dOp { type: 'zeroPad2d'; padding: [number, number, number, number] }
export interface ActivationOp { type: ActivationName; alpha?: number }
export interface MergeOp { type: 'add' | 'concat' }

export type LayerOp =
  | Conv2dOp | DepthwiseConv2dOp | Pool2dOp | AdaptiveAvgPool2dOp | GlobalPoolOp | BatchNormOp
  | LrnOp | DropoutOp | FlattenOp | DenseOp | ZeroPad2dOp | ActivationOp | MergeOp;
export type LayerType = LayerOp['type'];

/** Id of the model's input in `IRNode.inputs`. */
export const INPUT_ID = '@input';

export interface IRNode {
  /** Unique within the model: the layer's path. */
  id: string;
  /** The layer's own name (`conv2d_1` or the user's `name`). */
  name: string;
  /** Enclosing `block` names and the name, joined by `/`. */
  path: string;
  op: LayerOp;
  /** Ids of producing nodes (or INPUT_ID), in order. */
  inputs: string[];
  /** Enclosing groups, outermost first (ids into `ModelIR.groups`). */
  groups: string[];
  /** The call that made this layer (several layers may share one, e.g. in a loop). */
  source: SourceRange | null;
}

export type GroupKind = 'block' | 'parallel' | 'residual';
export interface IRGroup {
  id: string;
  name: string;
  kind: GroupKind;
  /** Enclosing group id, or null at top level. */
  parent: string | null;
  source: SourceRange | null;
}

export interface ModelIR {
  kind: 'cnn-explorer.model';
  name: string;
  inputShape: number[];
  /** Topological order: each node's inputs come before it. */
  nodes: IRNode[];
  groups: IRGroup[];
  /** Id of the node whose output is the model's output (INPUT_ID for an empty model). */
  output: string;
  source: SourceRange | null;
}

export function isModelIR(value: unknown): value is ModelIR {
  return typeof value === 'object' && value !== null && (value as ModelIR).kind === 'cnn-explorer.model';
}
