import type { GraphPersistedState } from '../../src/shared/messages';

// What the graph view remembers across edits (in memory) and reloads (setState; VS Code keeps it
// while the panel lives and hands it to the serializer after a window reload).

export interface ZoomState { x: number; y: number; k: number }

export interface GraphViewState extends GraphPersistedState {
  /** Which model the rest belongs to (`uri#export`); a different model starts fresh. */
  modelKey: string | null;
  zoom: ZoomState | null;
  /** The user's collapse choices by stable group key (true = collapsed). */
  groupChoices: Record<string, boolean>;
  /** Selected view item: IR node id or group id. */
  selected: { kind: 'node' | 'group'; id: string } | null;
  receptiveFieldOpen: boolean;
  query: string;
}

export function initialState(saved: Partial<GraphViewState> | undefined): GraphViewState {
  return {
    documentUri: saved?.documentUri ?? null,
    exportName: saved?.exportName ?? null,
    modelKey: saved?.modelKey ?? null,
    zoom: saved?.zoom ?? null,
    groupChoices: saved?.groupChoices ?? {},
    selected: saved?.selected ?? null,
    receptiveFieldOpen: saved?.receptiveFieldOpen ?? false,
    query: saved?.query ?? '',
  };
}

/** The state for a newly shown model: kept when it is the same model, reset otherwise. */
export function stateForModel(state: GraphViewState, documentUri: string, exportName: string): GraphViewState {
  const modelKey = `${documentUri}#${exportName}`;
  if (state.modelKey === modelKey) return { ...state, documentUri, exportName };
  return { ...initialState(undefined), documentUri, exportName, modelKey, receptiveFieldOpen: state.receptiveFieldOpen };
}
