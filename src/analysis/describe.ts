import type { LayerOp, PaddingSpec, Pair } from '../dsl/ir';
import { tr } from '../shared/l10n/translate';
import { formatPairShort, formatPoint, formatSize } from './format';
import type { ReceptiveField } from './types';

// How a layer and its receptive field are described to people, in one notation for the graph's
// labels and tooltips, the editor's hovers and the architecture diff of compared runs.
// Defaults (stride 1 or the pool's kernel, padding 0, dilation 1, groups 1) are left out so that
// labels stay short.

function isOne(p: Pair): boolean {
  return p[0] === 1 && p[1] === 1;
}

function stride(s: Pair, usual: Pair = [1, 1]): string | null {
  return s[0] === usual[0] && s[1] === usual[1] ? null : `s${formatPairShort(s)}`;
}

function dilation(d: Pair): string | null {
  return isOne(d) ? null : `d${formatPairShort(d)}`;
}

function padding(p: PaddingSpec): string | null {
  if (p === 'valid') return null;
  if (p === 'same') return 'same';
  return p[0] === 0 && p[1] === 0 ? null : `p${formatPairShort(p)}`;
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

/** The layer's type and key hyperparameters: `conv 6 · 5×5 · p2`, `maxpool · 3×3 · s2 · p1`, `dense 10`. */
export function describeOp(op: LayerOp): string {
  const parts: (string | null)[] = [TYPE_LABEL[op.type] ?? op.type];
  switch (op.type) {
    case 'conv2d':
      parts[0] = `conv ${op.filters}`;
      parts.push(formatSize(op.kernel), stride(op.stride), padding(op.padding), dilation(op.dilation),
        op.groups === 1 ? null : `g${op.groups}`, op.activation);
      break;
    case 'depthwiseConv2d':
      parts.push(formatSize(op.kernel), op.multiplier === 1 ? null : `×${op.multiplier}`,
        stride(op.stride), padding(op.padding), dilation(op.dilation), op.activation);
      break;
    case 'maxPool2d':
    case 'avgPool2d':
      parts.push(formatSize(op.kernel), stride(op.stride, op.kernel), padding(op.padding), op.ceilMode ? 'ceil' : null);
      break;
    case 'adaptiveAvgPool2d':
      parts.push(`→ ${formatSize(op.size)}`);
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

/**
 * `5×5 · jump 1 · centre (0, 0)`: the field's size, the input step between neighbouring outputs
 * and the centre of the first output's field; `— (flat or unknown)` without one.
 */
export function describeReceptiveField(rf: ReceptiveField | null): string {
  if (!rf) return tr('— (flat or unknown)');
  return tr('{size} · jump {jump} · centre {centre}', { size: formatSize(rf.size), jump: formatPairShort(rf.jump), centre: formatPoint(rf.start) });
}
