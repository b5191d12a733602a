import { curveBasis, line, select, type Selection } from 'd3';
import { CLUSTER, NODE, type Box, type GraphLayout, type Point } from './layout';
import { contains, grown, SpatialIndex } from './spatialIndex';
import type { ViewCluster, ViewEdge, ViewGraph, ViewNode } from './viewGraph';

// Draws a laid-out view graph as SVG with d3 data joins keyed by view key, so an update after
// an edit moves and relabels existing elements instead of rebuilding the page. Four layers,
// back to front: cluster boxes, edges, edge labels, nodes. Colours come from the stylesheet
// (VS Code theme variables) through classes; nothing here picks a colour.
//
// A large graph is drawn only where it is on screen (and half a screen around it, so a small
// pan needs no redraw): its elements join and leave as the view moves (`setViewRect`).

export interface RenderHandlers {
  hover(node: ViewNode | null, element: SVGGElement | null): void;
  click(node: ViewNode): void;
  toggleGroup(groupId: string): void;
}

export interface Marks {
  selected: string | null;
  /** View keys of nodes/clusters for the editor's cursor. */
  cursor: ReadonlySet<string>;
  /** View keys matching the search, or null when no search is active. */
  matches: ReadonlySet<string> | null;
  /** In the architecture diff: the status of each node that is not the same in both versions. */
  diff?: ReadonlyMap<string, 'added' | 'removed' | 'changed'>;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Graphs with more nodes than this are drawn only around the visible rectangle. */
const CULL_ABOVE = 100;
/** How far beyond the visible rectangle (in screens) a culled drawing reaches. */
const DRAW_MARGIN = 0.5;
const edgePath = line<Point>((p) => p.x, (p) => p.y).curve(curveBasis);

export class GraphRenderer {
  readonly viewport: SVGGElement;
  private readonly clusterLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly edgeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly labelLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly nodeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private nodeByKey = new Map<string, SVGGElement>();
  private view: ViewGraph | null = null;
  private layout: GraphLayout | null = null;
  private index: SpatialIndex | null = null;
  /** What is on screen, in layout coordinates (null: not known yet). */
  private viewRect: Box | null = null;
  /** What the current drawing covers (null: everything). */
  private drawnRect: Box | null = null;
  private marks: Marks | null = null;

  constructor(readonly svg: SVGSVGElement, private readonly handlers: RenderHandlers) {
    const root = select(svg);
    const defs = root.append('defs');
    defs.append('marker').attr('id', 'arrow').attr('viewBox', '0 0 10 10').attr('refX', 9).attr('refY', 5)
      .attr('markerWidth', 7).attr('markerHeight', 7).attr('orient', 'auto-start-reverse')
      .append('path').attr('class', 'arrow-head').attr('d', 'M 0 0 L 10 5 L 0 10 z');
    const viewport = root.append('g').attr('class', 'viewport');
    this.viewport = viewport.node()!;
    this.clusterLayer = viewport.append('g').attr('class', 'clusters');
    this.edgeLayer = viewport.append('g').attr('class', 'edges');
    this.labelLayer = viewport.append('g').attr('class', 'edge-labels');
    this.nodeLayer = viewport.append('g').attr('class', 'nodes').attr('role', 'group').attr('aria-label', 'Layers');
  }

  /** Draws the graph; `viewRect` is what will be on screen (layout coordinates). */
  render(view: ViewGraph, layout: GraphLayout, viewRect: Box): void {
    this.viewRect = viewRect;
    this.view = view;
    this.layout = layout;
    this.index = view.nodes.length > CULL_ABOVE ? new SpatialIndex(layout) : null;
    this.draw();
  }

  /** Where the view now is; redraws a culled graph when the view leaves what is drawn. */
  setViewRect(rect: Box): void {
    this.viewRect = rect;
    if (!this.index) return;
    // Redraw when the view leaves the drawing, or after zooming in far enough that most of
    // the drawing is off screen.
    const drawn = this.drawnRect;
    if (drawn === null || !contains(drawn, rect) || drawn.width > 2 * grown(rect, DRAW_MARGIN).width) this.draw();
  }

  /** Whether only part of the graph is drawn (the part around the view). */
  get culled(): boolean {
    return this.index !== null;
  }

  /** Runs `fn` with the whole graph drawn (an export), then draws only the visible part again. */
  withEverything<T>(fn: () => T): T {
    const index = this.index;
    this.index = null;
    this.draw();
    try {
      return fn();
    } finally {
      this.index = index;
      this.draw();
    }
  }

  private draw(): void {
    const view = this.view;
    const layout = this.layout;
    if (!view || !layout) return;
    let { nodes, edges, clusters } = view;
    this.drawnRect = null;
    if (this.index && this.viewRect) {
      this.drawnRect = grown(this.viewRect, DRAW_MARGIN);
      const inside = this.index.query(this.drawnRect);
      nodes = nodes.filter((n) => inside.nodes.has(n.key));
      edges = edges.filter((e) => inside.edges.has(e.key));
      clusters = clusters.filter((c) => inside.clusters.has(c.key));
    }
    this.renderClusters(clusters, layout);
    this.renderEdges(edges, layout);
    this.renderNodes(nodes, layout);
    if (this.marks) this.mark(this.marks);
  }

  nodeElement(key: string): SVGGElement | undefined {
    return this.nodeByKey.get(key);
  }

  private renderClusters(clusters: ViewCluster[], layout: GraphLayout): void {
    const groups = this.clusterLayer.selectAll<SVGGElement, ViewCluster>('g.cluster')
      .data(clusters, (c) => c.key)
      .join((enter) => {
        const g = enter.append('g');
        g.append('rect').attr('class', 'cluster-box').attr('rx', 6);
        g.append('text').attr('class', 'cluster-label').attr('role', 'button')
          .on('click', (event: MouseEvent, c) => {
            event.stopPropagation();
            this.handlers.toggleGroup(c.groupId);
          });
        return g;
      });
    groups
      .attr('class', (c) => `cluster${c.severity ? ' ' + c.severity : ''}`)
      .attr('data-key', (c) => c.key)
      .attr('data-group-id', (c) => c.groupId);
    groups.select<SVGRectElement>('rect')
      .attr('x', (c) => layout.clusters.get(c.key)!.x).attr('y', (c) => layout.clusters.get(c.key)!.y)
      .attr('width', (c) => layout.clusters.get(c.key)!.width).attr('height', (c) => layout.clusters.get(c.key)!.height);
    groups.select<SVGTextElement>('text')
      .attr('x', (c) => layout.clusters.get(c.key)!.x + CLUSTER.padding)
      .attr('y', (c) => layout.clusters.get(c.key)!.y + CLUSTER.labelBand - 2)
      .attr('aria-label', (c) => `collapse ${c.label}`)
      .text((c) => `▾ ${c.label}`);
  }

  private renderEdges(edges: ViewEdge[], layout: GraphLayout): void {
    this.edgeLayer.selectAll<SVGPathElement, ViewEdge>('path.edge')
      .data(edges, (e) => e.key)
      .join('path')
      .attr('class', 'edge')
      .attr('data-key', (e) => e.key)
      .attr('marker-end', 'url(#arrow)')
      .attr('d', (e) => edgePath(layout.edges.get(e.key)!.points) ?? '');
    const labelled = edges.filter((e) => layout.edges.get(e.key)!.label !== null);
    this.labelLayer.selectAll<SVGTextElement, ViewEdge>('text.edge-label')
      .data(labelled, (e) => e.key)
      .join('text')
      .attr('class', 'edge-label')
      .attr('data-key', (e) => e.key)
      .attr('x', (e) => layout.edges.get(e.key)!.label!.x)
      .attr('y', (e) => layout.edges.get(e.key)!.label!.y + 3.5)
      .text((e) => e.label);
  }

  private renderNodes(nodes: ViewNode[], layout: GraphLayout): void {
    const all = this.nodeLayer.selectAll<SVGGElement, ViewNode>('g.node')
      .data(nodes, (n) => n.key)
      .join((enter) => {
        const g = enter.append('g').attr('role', 'button');
        g.append('rect').attr('class', 'node-box').attr('rx', 4);
        g.append('rect').attr('class', 'node-accent').attr('width', 4);
        g.append('text').attr('class', 'node-title');
        g.append('text').attr('class', 'node-subtitle');
        g.on('mouseenter', (event: MouseEvent, n) => this.handlers.hover(n, event.currentTarget as SVGGElement))
          .on('mouseleave', () => this.handlers.hover(null, null))
          .on('focus', (event: FocusEvent, n) => this.handlers.hover(n, event.currentTarget as SVGGElement))
          .on('blur', () => this.handlers.hover(null, null))
          .on('click', (event: MouseEvent, n) => {
            event.stopPropagation();
            this.handlers.click(n);
          })
          .on('dblclick', (event: MouseEvent, n) => {
            event.stopPropagation();
            if (n.kind === 'group') this.handlers.toggleGroup(n.id);
          });
        return g;
      });

    this.nodeByKey = new Map();
    all.each((n, i, elements) => {
      const g = elements[i]!;
      this.nodeByKey.set(n.key, g);
      const box = layout.nodes.get(n.key)!;
      g.setAttribute('class', `node cat-${n.category} kind-${n.kind}${n.severity ? ' ' + n.severity : ''}`);
      g.setAttribute('transform', `translate(${box.x},${box.y})`);
      g.setAttribute('data-key', n.key);
      g.removeAttribute('data-node-id');
      g.removeAttribute('data-group-id');
      g.setAttribute(n.kind === 'group' ? 'data-group-id' : 'data-node-id', n.id);
      if (!g.hasAttribute('tabindex')) g.setAttribute('tabindex', '-1');
      const name = n.kind === 'layer' ? n.id : n.title;
      const problem = n.severity === 'error' ? ', has an error' : n.severity === 'warning' ? ', has a warning' : '';
      g.setAttribute('aria-label', `${name}: ${n.title}, ${n.subtitle}${problem}`);
      const [rect, accent, title, subtitle] = Array.from(g.children) as SVGElement[];
      rect!.setAttribute('width', String(box.width));
      rect!.setAttribute('height', String(box.height));
      accent!.setAttribute('height', String(box.height));
      title!.setAttribute('x', String(NODE.paddingX));
      title!.setAttribute('y', String(NODE.titleBaseline));
      title!.textContent = n.title;
      subtitle!.setAttribute('x', String(NODE.paddingX));
      subtitle!.setAttribute('y', String(NODE.subtitleBaseline));
      subtitle!.textContent = n.subtitle;
      this.syncToggle(g, n, box.width);
    });
  }

  /** A collapsed group carries a ▸ that expands it. */
  private syncToggle(g: SVGGElement, n: ViewNode, width: number): void {
    let toggle = g.querySelector<SVGTextElement>('text.node-toggle');
    if (n.kind !== 'group') {
      toggle?.remove();
      return;
    }
    if (!toggle) {
      toggle = document.createElementNS(SVG_NS, 'text');
      toggle.setAttribute('class', 'node-toggle');
      toggle.setAttribute('role', 'button');
      toggle.addEventListener('click', (event) => {
        event.stopPropagation();
        this.handlers.toggleGroup(g.getAttribute('data-group-id')!);
      });
      g.append(toggle);
    }
    toggle.setAttribute('x', String(width - NODE.groupToggleWidth));
    toggle.setAttribute('y', String(NODE.titleBaseline));
    toggle.setAttribute('aria-label', `expand ${n.title}`);
    toggle.textContent = '▸';
  }

  /** Selection, cursor highlight and search matches, as classes (cheap: no re-layout). */
  mark(marks: Marks): void {
    this.marks = marks;
    const searching = marks.matches !== null;
    for (const [key, g] of this.nodeByKey) {
      g.classList.toggle('selected', key === marks.selected);
      g.classList.toggle('cursor', marks.cursor.has(key));
      g.classList.toggle('match', searching && marks.matches!.has(key));
      g.classList.toggle('dimmed', searching && !marks.matches!.has(key));
      g.setAttribute('aria-current', String(key === marks.selected));
      const status = marks.diff?.get(key);
      for (const s of ['added', 'removed', 'changed'] as const) g.classList.toggle(`diff-${s}`, status === s);
      if (status) g.setAttribute('data-diff', status);
      else g.removeAttribute('data-diff');
    }
    this.clusterLayer.selectAll<SVGGElement, ViewCluster>('g.cluster')
      .classed('cursor', (c) => marks.cursor.has(c.key))
      .classed('selected', (c) => c.key === marks.selected);
    // Roving tabindex: one node is in the tab order; arrow keys move from it.
    const focusable = marks.selected && this.nodeByKey.has(marks.selected) ? marks.selected : this.nodeByKey.keys().next().value;
    for (const [key, g] of this.nodeByKey) g.setAttribute('tabindex', key === focusable ? '0' : '-1');
  }
}
