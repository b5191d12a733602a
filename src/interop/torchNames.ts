import { type IRGroup, type ModelIR } from '../dsl/ir';

// Where every IR node and group lives in the exported PyTorch module: its attribute path, and
// so its state_dict key prefix. The exported code, the safetensors checkpoints of both engines
// and the loading of PyTorch state dicts all name tensors through this one function, so a
// checkpoint written by one engine loads into the other by name.
//
// Each `block`, `residual` and `parallel` group is a submodule attribute of its parent (or of
// the model); each layer is an attribute of its innermost group. Names are the DSL's, made into
// Python identifiers (`layer1.0` → `layer1_0`: a dot would split a state_dict key), and made
// unique among their siblings in first-appearance order (`conv`, `conv_2`).

export interface TorchNames {
  /** IR node id → attribute path from the model, e.g. ['layer1', 'layer1_0', 'conv2d_2']. */
  nodes: Map<string, string[]>;
  /** IR group id → attribute path from the model. */
  groups: Map<string, string[]>;
}

const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
  // nn.Module's own attributes that a submodule must not shadow.
  'forward', 'training', 'modules', 'children', 'parameters', 'buffers', 'state_dict', 'to', 'eval', 'train', 'type',
  'float', 'double', 'half', 'cuda', 'cpu', 'apply', 'zero_grad', 'named_modules', 'register_buffer',
]);

/** A DSL name as a Python identifier (ASCII letters, digits and `_`; not a keyword). */
function pythonIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^[0-9]/.test(id)) id = `_${id}`;
  return PYTHON_KEYWORDS.has(id) ? `${id}_` : id;
}

/** Deterministic: the same IR always gives the same names (checkpoints rely on it). */
export function torchNames(ir: ModelIR): TorchNames {
  const groupsById = new Map(ir.groups.map((g) => [g.id, g]));
  const taken = new Map<string, Set<string>>(); // parent attribute path → its children's names
  const claim = (parent: string[], base: string): string[] => {
    const key = parent.join('.');
    let siblings = taken.get(key);
    if (!siblings) taken.set(key, siblings = new Set());
    let name = base;
    for (let i = 2; siblings.has(name); i++) name = `${base}_${i}`;
    siblings.add(name);
    return [...parent, name];
  };
  const groups = new Map<string, string[]>();
  const groupPath = (group: IRGroup): string[] => {
    const known = groups.get(group.id);
    if (known) return known;
    const parent = group.parent === null ? [] : groupPath(groupsById.get(group.parent)!);
    const own = claim(parent, pythonIdentifier(group.name));
    groups.set(group.id, own);
    return own;
  };
  const nodes = new Map<string, string[]>();
  for (const node of ir.nodes) {
    const innermost = node.groups.at(-1);
    const parent = innermost === undefined ? [] : groupPath(groupsById.get(innermost)!);
    nodes.set(node.id, claim(parent, pythonIdentifier(node.name)));
  }
  return { nodes, groups };
}
