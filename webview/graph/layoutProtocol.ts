import type { GraphLayout, LayoutInput, TextMeasure } from './layout';

// The messages between the graph view and its layout worker (layoutWorker.ts), in one place.
// Versioned like the other boundaries: the worker is built with the view, but a stale script
// left in a webview's cache must answer with an error, not a wrong drawing.

export const LAYOUT_PROTOCOL = 1;

/** Text widths the view measured (the worker has no fonts): by text, per kind of text. */
interface TextWidths {
  title: Map<string, number>;
  subtitle: Map<string, number>;
  label: Map<string, number>;
}

export type ToLayoutWorker = { v: typeof LAYOUT_PROTOCOL; type: 'layout'; id: number; graph: LayoutInput; widths: TextWidths };

export type FromLayoutWorker =
  | { v: typeof LAYOUT_PROTOCOL; type: 'layout'; id: number; layout: GraphLayout }
  | { v: typeof LAYOUT_PROTOCOL; type: 'error'; id: number; message: string };

/** Only what the layout reads of a graph: a view graph's search text and member lists stay behind. */
export function layoutInputOf(graph: LayoutInput): LayoutInput {
  return {
    nodes: graph.nodes.map((n) => ({ key: n.key, kind: n.kind, title: n.title, subtitle: n.subtitle, parent: n.parent })),
    edges: graph.edges.map((e) => ({ key: e.key, from: e.from, to: e.to, label: e.label })),
    clusters: graph.clusters.map((c) => ({ key: c.key, parent: c.parent })),
  };
}

/** The widths of every text the layout of `graph` will ask about. */
export function measureTexts(graph: LayoutInput, measure: TextMeasure): TextWidths {
  const widths: TextWidths = { title: new Map(), subtitle: new Map(), label: new Map() };
  for (const n of graph.nodes) {
    if (!widths.title.has(n.title)) widths.title.set(n.title, measure.title(n.title));
    if (!widths.subtitle.has(n.subtitle)) widths.subtitle.set(n.subtitle, measure.subtitle(n.subtitle));
  }
  for (const e of graph.edges) if (!widths.label.has(e.label)) widths.label.set(e.label, measure.label(e.label));
  return widths;
}

/** A measure that answers from the widths the view sent (a text it did not send: an estimate). */
export function measureFrom(widths: TextWidths): TextMeasure {
  const from = (table: Map<string, number>, perChar: number) => (text: string) => table.get(text) ?? text.length * perChar;
  return { title: from(widths.title, 7), subtitle: from(widths.subtitle, 6), label: from(widths.label, 6) };
}
