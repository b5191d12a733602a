// Which tfjs layers `freeze` names: layer paths or block names (every layer under the block),
// or 'all-but-last' (everything except the last layer that has weights: the head).
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelIR } from '../../dsl/ir';
import type { LayerNames } from '../model/index';
import type { ResolvedTraining } from '../../runs/types';

export function frozenLayerNames(ir: ModelIR, names: LayerNames, model: tfl.LayersModel, freeze: NonNullable<ResolvedTraining['freeze']>): string[] {
  if (freeze.layers === 'all-but-last') {
    const withWeights = ir.nodes.filter((n) => model.getLayer(names.byNode.get(n.id)!).weights.length > 0);
    return withWeights.slice(0, -1).map((n) => names.byNode.get(n.id)!);
  }
  const wanted = freeze.layers;
  return ir.nodes
    .filter((n) => wanted.some((w) => n.path === w || n.path.startsWith(`${w}/`)))
    .map((n) => names.byNode.get(n.id)!);
}

/** Sets `trainable` on the named layers (and back on all others). */
export function setFrozen(model: tfl.LayersModel, frozen: readonly string[]): void {
  const set = new Set(frozen);
  for (const layer of model.layers) layer.trainable = !set.has(layer.name);
}
