import type { IRNode } from '../dsl/ir';

// Which node made the tensor a layer reads: the latest node before it with that id. Inputs
// are nearly always made a few nodes earlier (the previous layer, a block's input a few layers
// back), so the nodes just before are searched first; only a farther id builds a map, of the
// nodes before the asker alone. A model of tens of thousands of layers is analysed on every
// edit, and a map of every id costs far more than these few comparisons.

/** How many nodes back the search goes before it turns to the map. */
const NEAR = 32;

interface Producers {
  /** The index of the latest node before `before` whose id is `id`, or undefined if none. */
  of(id: string, before: number): number | undefined;
}

export function producers(nodes: readonly IRNode[]): Producers {
  const far = new Map<string, number>();
  /** Nodes [0, mapped) are in `far`. */
  let mapped = 0;
  return {
    of(id, before) {
      const stop = Math.max(0, before - NEAR);
      for (let j = before - 1; j >= stop; j--) if (nodes[j]!.id === id) return j;
      if (stop === 0) return undefined;
      // Not among the nearest: the map, of the nodes up to at least `stop`, answers.
      for (; mapped < stop; mapped++) far.set(nodes[mapped]!.id, mapped);
      const j = far.get(id);
      // Below `stop` it is the latest (none between `stop` and `before` has the id).
      if (j === undefined || j < stop) return j;
      // A node at or after `before` has it too (the map was built for a later asker, and ids
      // repeat, which the DSL does not allow): search the rest one by one.
      for (let k = stop - 1; k >= 0; k--) if (nodes[k]!.id === id) return k;
      return undefined;
    },
  };
}
