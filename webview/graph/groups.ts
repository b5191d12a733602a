import type { ModelIndex } from './modelIndex';

// Which groups are collapsed. The user's choices are remembered by group key (stable across
// edits); every other group follows the default policy for the model's size.

/** Models with more layers than this open with groups collapsed. */
const LARGE_MODEL_LAYERS = 60;
/** How many nodes a large model shows at first, at most (unless even its top level has more). */
const VISIBLE_BUDGET = 120;

/**
 * The default collapsed set: nothing for small models. For large ones, every group at and below
 * the deepest nesting level at which that leaves at most VISIBLE_BUDGET visible nodes (so a
 * ResNet shows its residual blocks as single nodes inside expanded stages), or at and below the
 * top level when no level is small enough. Expanding a group then shows its children collapsed.
 */
export function defaultCollapsed(index: ModelIndex): Set<string> {
  const layers = index.model.nodes.length;
  if (layers <= LARGE_MODEL_LAYERS || index.model.groups.length === 0) return new Set();
  const maxDepth = Math.max(...index.depth.values());
  let chosen = 0;
  for (let d = maxDepth; d >= 0; d--) {
    if (visibleCountCollapsingAt(index, d) <= VISIBLE_BUDGET) {
      chosen = d;
      break;
    }
  }
  return new Set(index.model.groups.filter((g) => index.depth.get(g.id)! >= chosen).map((g) => g.id));
}

function visibleCountCollapsingAt(index: ModelIndex, depth: number): number {
  const atDepth = index.model.groups.filter((g) => index.depth.get(g.id) === depth);
  const hidden = new Set(atDepth.flatMap((g) => (index.members.get(g.id) ?? []).map((n) => n.id)));
  return index.model.nodes.length - hidden.size + atDepth.length;
}

/** Collapsed groups: the user's explicit choices (by key) over the default. */
export function resolveCollapsed(index: ModelIndex, choices: Readonly<Record<string, boolean>>): Set<string> {
  const defaults = defaultCollapsed(index);
  const collapsed = new Set<string>();
  for (const g of index.model.groups) {
    const choice = choices[index.groupKey.get(g.id)!];
    if (choice ?? defaults.has(g.id)) collapsed.add(g.id);
  }
  return collapsed;
}

/** The outermost collapsed group that hides this node, or null when it is visible. */
export function hidingGroup(groups: readonly string[], collapsed: ReadonlySet<string>): string | null {
  return groups.find((g) => collapsed.has(g)) ?? null;
}

/** Choices that expand (or collapse) every group. */
export function allChoices(index: ModelIndex, collapsed: boolean): Record<string, boolean> {
  return Object.fromEntries(index.model.groups.map((g) => [index.groupKey.get(g.id)!, collapsed]));
}
