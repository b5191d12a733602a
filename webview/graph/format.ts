import type { LayerOp, Pair, PaddingSpec } from '../../src/dsl/ir';

// Short human text for numbers and layer hyperparameters, as the graph prints them; shapes and
// exact counts are written as analysis writes them (one notation everywhere).
// Defaults (stride 1, padding 0, dilation 1, groups 1) are left out so that labels stay short.

export { formatShape } from '../../src/analysis/format';
export { withCommas as formatExact } from '../../src/analysis/table';

/** 1234567 → `1.23M`; small numbers stay exact. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 10_000) return String(n);
  if (abs < 1e6) return `${trim(n / 1e3)}K`;
  if (abs < 1e9) return `${trim(n / 1e6)}M`;
  return `${trim(n / 1e9)}G`;
}


function trim(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function pair(p: Pair): string {
  return p[0] === p[1] ? `${p[0]}×${p[0]}` : `${p[0]}×${p[1]}`;
}

function pairShort(p: Pair): string {
  return p[0] === p[1] ? String(p[0]) : `${p[0]},${p[1]}`;
}

function isOne(p: Pair): boolean {
  return p[0] === 1 && p[1] === 1;
}

function padding(p: PaddingSpec): string | null {
  if (p === 'valid') return null;
  if (p === 'same') return 'same';
  return p[0] === 0 && p[1] === 0 ? null : `p${pairShort(p)}`;
}

const TYPE_LABEL: Partial<Record<LayerOp['type'], string>> = {
  conv2d: 'conv',
  depthwiseConv2d: 'dwconv',
  maxPool2d: 'maxpool',
  avgPool2d: 'avgpool',
  adaptiveAvgPool2d: 'adaptive avgpool',
  globalAvgPool: 'global avgpool',
  globalMaxPool: 'global maxpool',
  batchNorm: 'batchnorm',
  zeroPad2d: 'zeropad',
};

/** The layer's type and key hyperparameters, e.g. `conv 6 · 5×5 · p2`. */
export function describeOp(op: LayerOp): string {
  const parts: (string | null)[] = [TYPE_LABEL[op.type] ?? op.type];
  switch (op.type) {
    case 'conv2d':
      parts[0] = `conv ${op.filters}`;
      parts.push(pair(op.kernel), isOne(op.stride) ? null : `s${pairShort(op.stride)}`, padding(op.padding),
        isOne(op.dilation) ? null : `d${pairShort(op.dilation)}`, op.groups === 1 ? null : `g${op.groups}`,
        op.activation);
      break;
    case 'depthwiseConv2d':
      parts.push(pair(op.kernel), op.multiplier === 1 ? null : `×${op.multiplier}`,
        isOne(op.stride) ? null : `s${pairShort(op.stride)}`, padding(op.padding),
        isOne(op.dilation) ? null : `d${pairShort(op.dilation)}`, op.activation);
      break;
    case 'maxPool2d':
    case 'avgPool2d': {
      const defaultStride = op.stride[0] === op.kernel[0] && op.stride[1] === op.kernel[1];
      parts.push(pair(op.kernel), defaultStride ? null : `s${pairShort(op.stride)}`, padding(op.padding),
        op.ceilMode ? 'ceil' : null);
      break;
    }
    case 'adaptiveAvgPool2d':
      parts.push(`→ ${pair(op.size)}`);
      break;
    case 'lrn':
      parts.push(String(op.size));
      break;
    case 'dropout':
      parts.push(String(op.rate));
      break;
    case 'dense':
      parts[0] = `dense ${op.units}`;
      parts.push(op.activation);
      break;
    case 'zeroPad2d':
      parts.push(op.padding.every((p) => p === op.padding[0]) ? String(op.padding[0]) : op.padding.join(','));
      break;
    case 'leakyRelu':
      if (op.alpha !== undefined) parts.push(String(op.alpha));
      break;
    default:
      break;
  }
  return parts.filter((p): p is string => p !== null).join(' · ');
}

/** Colour family of a layer type (the CSS maps each to a theme colour). */
export type OpCategory = 'conv' | 'pool' | 'norm' | 'activation' | 'dense' | 'merge' | 'shape';

export function opCategory(op: LayerOp): OpCategory {
  switch (op.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return 'conv';
    case 'maxPool2d':
    case 'avgPool2d':
    case 'adaptiveAvgPool2d':
    case 'globalAvgPool':
    case 'globalMaxPool':
      return 'pool';
    case 'batchNorm':
    case 'lrn':
    case 'dropout':
      return 'norm';
    case 'dense':
      return 'dense';
    case 'add':
    case 'concat':
      return 'merge';
    case 'flatten':
    case 'zeroPad2d':
      return 'shape';
    default:
      return 'activation';
  }
}
