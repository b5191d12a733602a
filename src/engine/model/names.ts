// tfjs layer names for IR nodes. They are the IR paths wherever tfjs allows (it accepts
// `[A-Za-z0-9][-A-Za-z0-9._/]*`), so checkpoints and `initFrom` match weights by layer path.
import type { ModelIR } from '../../dsl/ir';

const VALID = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

function sanitise(path: string): string {
  if (VALID.test(path)) return path;
  const cleaned = path.replace(/[^-A-Za-z0-9._/]/g, '_');
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `L${cleaned}`;
}

export interface LayerNames {
  /** IR node id → tfjs layer name. */
  byNode: Map<string, string>;
  /** tfjs layer name → IR node id. */
  byLayer: Map<string, string>;
  /** The input layer's name (one no node uses). */
  input: string;
}

/** Deterministic: the same IR always gives the same names (checkpoints rely on it). */
export function tfLayerNames(ir: ModelIR): LayerNames {
  const byNode = new Map<string, string>();
  const byLayer = new Map<string, string>();
  const claim = (base: string): string => {
    let name = base;
    for (let i = 2; byLayer.has(name); i++) name = `${base}_${i}`;
    return name;
  };
  for (const node of ir.nodes) {
    const name = claim(sanitise(node.path));
    byNode.set(node.id, name);
    byLayer.set(name, node.id);
  }
  return { byNode, byLayer, input: claim('input') };
}
