import { compactCount, exactCount } from '../../src/shared/format';
import { assertNever } from '../../src/shared/assertNever';
import { tr } from '../../src/shared/l10n/translate';
import type { ExtensionToGraph, GraphToExtension, InsightResult } from '../../src/shared/messages';
import type { GraphDiff, LayerDiffStatus } from '../../src/runs/archMerge';
import type { VsCodeApi } from '../shared/vscodeApi';
import { Banner } from './banner';
import { DiffHeader, deltaCard, diffStatusByKey, withDiffSubtitles } from './diffView';
import { standaloneSvg } from './exportImage';
import { rasterise } from '../shared/svgExport';
import { allChoices, resolveCollapsed } from './groups';
import { layoutGraph, type GraphLayout, type TextMeasure } from './layout';
import { LayoutRunner, type LayoutPlace } from './layoutRunner';
import { groupOutputs, indexModel, type ModelIndex } from './modelIndex';
import { neighbour, type Direction } from './navigation';
import { ReceptiveFieldView, type FieldSubject } from './receptiveField';
import { FeatureMapsPanel } from './featureMapsPanel';
import { heatCanvas } from '../shared/sections/insightCanvas';
import { GraphRenderer } from './render';
import { initialState, stateForModel, type GraphViewState } from './state';
import { Toolbar } from './toolbar';
import { Tooltip, tooltipContent } from './tooltip';
import { buildViewGraph, clusterKey, type ViewGraph, type ViewNode } from './viewGraph';
import { Zoom } from './zoom';

// The graph view's controller: turns extension messages and user input into state changes,
// and state into a drawing. Each concern lives in its own module; this one only composes them.

type Update = Extract<ExtensionToGraph, { type: 'update' }>;

/** A view graph derived from the model and the group choices, before it is laid out. */
interface Derived {
  collapsed: Set<string>;
  view: ViewGraph;
  diffKeys: Map<string, LayerDiffStatus> | undefined;
}

/**
 * Models with more layers than this are laid out after a frame that shows a progress line,
 * in the layout worker (smaller ones are laid out at once, here, in a few milliseconds).
 */
const PROGRESS_ABOVE = 2000;

export class GraphView {
  private state: GraphViewState;
  private index: ModelIndex | null = null;
  private view: ViewGraph | null = null;
  private layout: GraphLayout | null = null;
  private collapsed = new Set<string>();
  private cursorNodes: string[] = [];
  private cursorGroups: string[] = [];
  private matches: string[] | null = null;
  private matchCursor = -1;
  private documentLabel = 'model';
  private zoomRestored = false;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by each deferred rebuild, so that only the latest one runs. */
  private rebuildTicket = 0;
  /** In the architecture diff view: what differs between the two merged versions (null otherwise). */
  private diff: GraphDiff | null = null;
  /** The diff status of each drawn node, by view key. */
  private diffKeys: Map<string, LayerDiffStatus> | undefined;

  private readonly svg: SVGSVGElement;
  private readonly empty: HTMLElement;
  private readonly renderer: GraphRenderer;
  private readonly zoom: Zoom;
  private readonly tooltip: Tooltip;
  private readonly toolbar: Toolbar;
  private readonly banner: Banner;
  private readonly diffHeader: DiffHeader;
  private readonly receptiveField: ReceptiveFieldView;
  private readonly featureMaps: FeatureMapsPanel;
  /** The effective-field question last asked, for the layer of this name. */
  private erfRequest: { requestId: number; name: string } | null = null;
  private nextInsightId = 1_000_000; // apart from the feature maps panel's ids

  private readonly layouts: LayoutRunner;

  /** `layoutWorkerUrl`: the layout worker's script (dist/webview/graphLayout.js), or null for none. */
  constructor(
    root: HTMLElement, private readonly api: VsCodeApi<GraphToExtension, GraphViewState>, private readonly measure: TextMeasure,
    layoutWorkerUrl: string | null = null,
  ) {
    this.layouts = new LayoutRunner(layoutWorkerUrl, measure);
    this.state = initialState(api.getState());
    this.toolbar = new Toolbar(root, {
      fit: () => this.fit(),
      expandAll: () => this.setAllGroups(false),
      collapseAll: () => this.setAllGroups(true),
      search: (q) => this.search(q),
      nextMatch: (back) => this.nextMatch(back),
      toggleReceptiveField: () => this.setReceptiveFieldOpen(!this.receptiveField.open),
      exportAs: (format) => void this.exportAs(format),
      selectExport: (name) => this.api.post({ type: 'selectExport', exportName: name }),
    });
    this.banner = new Banner(root);
    this.diffHeader = new DiffHeader(root, null);
    const stage = document.createElement('main');
    stage.className = 'stage';
    root.append(stage);
    this.svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.svg.classList.add('graph');
    this.svg.setAttribute('aria-label', tr('Model graph: arrow keys move between layers, Enter shows the layer in the editor, Space expands or collapses a group, + and - zoom, 0 fits'));
    this.empty = document.createElement('p');
    this.empty.className = 'empty';
    this.empty.textContent = tr('Waiting for a model…');
    stage.append(this.svg, this.empty);
    this.renderer = new GraphRenderer(this.svg, {
      hover: (n, el) => this.hover(n, el),
      click: (n) => this.choose(n, true),
      toggleGroup: (id) => this.toggleGroup(id),
    });
    this.zoom = new Zoom(this.svg, this.renderer.viewport, (t) => {
      this.state.zoom = t;
      this.renderer.setViewRect(this.zoom.visibleRect());
      this.persistSoon();
    });
    window.addEventListener('resize', () => this.renderer.setViewRect(this.zoom.visibleRect()));
    this.tooltip = new Tooltip(root);
    this.receptiveField = new ReceptiveFieldView(stage, () => this.setReceptiveFieldOpen(false));
    this.featureMaps = new FeatureMapsPanel(stage, (ask) => this.api.post(ask));
    this.svg.addEventListener('keydown', (e) => this.onKey(e));
    this.svg.addEventListener('click', () => this.tooltip.hide());
    document.addEventListener('keydown', (e) => {
      if (e.key === '/' && !(e.target instanceof HTMLElement && e.target.closest('.toolbar'))) {
        e.preventDefault();
        this.toolbar.focusSearch();
      } else if (e.target === document.body) {
        this.onKey(e); // nothing focused yet: the graph's keys still work
      }
    });
    this.toolbar.setQuery(this.state.query);
    this.setReceptiveFieldOpen(this.state.receptiveFieldOpen);
  }

  receive(message: ExtensionToGraph): void {
    switch (message.type) {
      case 'update':
        this.update(message);
        break;
      case 'highlight':
        this.cursorNodes = message.nodeIds;
        this.cursorGroups = message.groupIds;
        this.applyMarks();
        this.revealCursor();
        break;
      case 'sampleImage':
        this.receptiveField.setSample({ dataUri: message.dataUri, label: message.label });
        break;
      case 'insight':
        if (!this.featureMaps.receive(message)) this.receiveEffectiveField(message);
        break;
      case 'exported':
        if (message.error) this.banner.show({ stale: false, error: { message: tr('Export failed: {0}', message.error), location: null }, hasGraph: true, diagnostics: [] });
        break;
      default:
        assertNever(message, 'graph view');
    }
  }

  private update(message: Update): void {
    this.documentLabel = message.documentLabel;
    this.diff = message.diff ?? null;
    this.diffHeader.show(this.diff);
    const exportName = message.graph?.exportName ?? this.state.exportName ?? 'default';
    const previousModel = this.state.modelKey;
    this.state = stateForModel(this.state, message.documentUri, exportName);
    const newModel = previousModel !== this.state.modelKey;
    this.toolbar.setExports(message.exports, exportName);
    this.banner.show({
      stale: message.stale, error: message.error, hasGraph: message.graph !== null,
      // Errors are also marked on their nodes; listing them here says so without hovering.
      diagnostics: message.graph ? message.graph.analysis.diagnostics.filter((d) => d.nodeId === null || d.severity === 'error') : [],
    });
    document.body.classList.toggle('stale', message.stale);
    if (!message.graph) {
      this.index = null;
      this.rebuildTicket++;
      this.empty.hidden = false;
      this.empty.textContent = message.error ? tr('Nothing to show until the model evaluates.') : tr('This file exports no model.');
      this.svg.classList.add('hidden');
      this.persistSoon();
      return;
    }
    this.empty.hidden = true;
    this.svg.classList.remove('hidden');
    this.index = indexModel(message.graph);
    const { totals } = message.graph.analysis;
    this.toolbar.setTotals(tr('{0} params · {1} MACs', exactCount(totals.trainableParams), compactCount(totals.macs)));
    this.receptiveField.setInputShape(message.graph.model.inputShape);
    this.rebuildShowingProgress(() => {
      if (this.state.query) this.search(this.state.query);
      // A new model is fitted; the same model after an edit or a reload keeps its zoom.
      if (newModel || this.state.zoom === null) this.initialView();
      else if (!this.zoomRestored) this.zoom.set(this.state.zoom);
      this.zoomRestored = true;
      this.persistSoon();
    });
  }

  /**
   * Rebuilds, then runs `then`. A large model first gets a frame that says it is being laid
   * out, then is laid out in the layout worker: the page stays responsive (the old drawing
   * still pans and zooms) until the new one replaces it.
   */
  private rebuildShowingProgress(then: () => void): void {
    const ticket = ++this.rebuildTicket;
    const index = this.index;
    const layers = index?.model.nodes.length ?? 0;
    if (!index || layers <= PROGRESS_ABOVE) {
      this.rebuild();
      then();
      return;
    }
    this.empty.hidden = false;
    this.empty.textContent = tr('Laying out {0} layers…', exactCount(layers));
    requestAnimationFrame(() => setTimeout(() => {
      if (ticket !== this.rebuildTicket) return;
      const t0 = performance.now();
      const derived = this.derive(index);
      void this.layouts.layout(derived.view).then(({ layout, place }) => {
        if (ticket !== this.rebuildTicket) return;
        this.empty.hidden = true;
        this.show(derived, layout, place, t0);
        then();
      });
    }, 0));
  }

  /** Re-derives the visible graph and its layout (here, on the main thread), and redraws. */
  private rebuild(): void {
    const index = this.index;
    if (!index) return;
    const t0 = performance.now();
    const derived = this.derive(index);
    this.show(derived, layoutGraph(derived.view, this.measure), 'main', t0);
  }

  /** The view graph for the current group choices; nothing of the drawing changes yet. */
  private derive(index: ModelIndex): Derived {
    const collapsed = resolveCollapsed(index, this.state.groupChoices);
    let view = buildViewGraph(index, collapsed);
    if (this.diff) view = withDiffSubtitles(view, this.diff);
    return { collapsed, view, diffKeys: this.diff ? diffStatusByKey(view, this.diff) : undefined };
  }

  /** Makes a view graph and its layout the current ones, and draws them. `t0`: when the rebuild began. */
  private show(derived: Derived, layout: GraphLayout, place: LayoutPlace, t0: number): void {
    this.collapsed = derived.collapsed;
    this.view = derived.view;
    this.diffKeys = derived.diffKeys;
    this.layout = layout;
    const t1 = performance.now();
    this.renderer.render(this.view, this.layout, this.zoom.visibleRect());
    const t2 = performance.now();
    // Read by `npm run bench:graph` (User Timing: no globals, no effect on the view).
    performance.measure('graph:layout', { start: t0, end: t1 });
    performance.measure('graph:render', { start: t1, end: t2 });
    this.svg.setAttribute('data-node-count', String(this.view.nodes.length));
    // Where the layout ran, for the tests (the worker where the page allows one).
    this.svg.setAttribute('data-layout-place', place);
    this.applyMarks();
    this.showReceptiveField();
  }

  private selectedKey(): string | null {
    const s = this.state.selected;
    if (!s || !this.view) return null;
    return (s.kind === 'node' ? this.view.keyOfNode.get(s.id) : this.view.keyOfGroup.get(s.id)) ?? null;
  }

  private viewNode(key: string | null): ViewNode | undefined {
    return key === null ? undefined : this.view?.nodes.find((n) => n.key === key);
  }

  private applyMarks(): void {
    if (!this.view) return;
    const cursor = new Set<string>();
    for (const id of this.cursorNodes) {
      const k = this.view.keyOfNode.get(id);
      if (k) cursor.add(k);
    }
    for (const id of this.cursorGroups) {
      const k = this.view.keyOfGroup.get(id);
      if (k) cursor.add(k);
    }
    this.renderer.mark({
      selected: this.selectedKey(),
      cursor,
      matches: this.matches === null ? null : new Set(this.matches),
      diff: this.diffKeys,
    });
  }

  private revealCursor(): void {
    if (!this.view || !this.layout) return;
    const first = this.cursorNodes.map((id) => this.view!.keyOfNode.get(id)).find((k) => k !== undefined)
      ?? this.cursorGroups.map((id) => this.view!.keyOfGroup.get(id)).find((k) => k !== undefined);
    const box = first ? this.layout.nodes.get(first) ?? this.layout.clusters.get(first) : undefined;
    if (box) this.zoom.reveal(box);
  }

  private hover(node: ViewNode | null, element: SVGGElement | null): void {
    if (!node || !element || !this.index) {
      this.tooltip.hide();
      return;
    }
    const card = tooltipContent(this.index, node);
    const delta = node.kind === 'layer' ? this.diff?.layers[node.id] : undefined;
    if (delta) card.append(deltaCard(delta));
    this.tooltip.show(card, element.getBoundingClientRect());
  }

  /** Selects a node; with `reveal`, asks the extension to show its call in the editor. */
  private choose(node: ViewNode, reveal: boolean): void {
    const index = this.index;
    if (!index) return;
    this.state.selected = node.kind === 'group' ? { kind: 'group', id: node.id } : { kind: 'node', id: node.id };
    this.applyMarks();
    this.showReceptiveField();
    this.showFeatureMaps(node);
    this.persistSoon();
    if (!reveal) return;
    const source = node.kind === 'layer' ? index.nodes.get(node.id)?.source
      : node.kind === 'group' ? index.groups.get(node.id)?.source : index.model.source;
    if (source) {
      this.api.post({
        type: 'reveal', nodeId: node.kind === 'layer' ? node.id : null, groupId: node.kind === 'group' ? node.id : null, source,
      });
    }
  }

  private focusNode(key: string): void {
    const node = this.viewNode(key);
    if (!node || !this.layout) return;
    this.choose(node, false);
    const box = this.layout.nodes.get(key);
    if (box) this.zoom.reveal(box);
    this.renderer.nodeElement(key)?.focus();
  }

  private toggleGroup(groupId: string): void {
    const index = this.index;
    if (!index) return;
    const key = index.groupKey.get(groupId);
    if (key === undefined) return;
    const collapse = !this.collapsed.has(groupId);
    this.state.groupChoices = { ...this.state.groupChoices, [key]: collapse };
    this.state.selected = { kind: 'group', id: groupId };
    this.rebuildShowingProgress(() => {
      const box = this.layout?.nodes.get(`g:${groupId}`) ?? this.layout?.clusters.get(clusterKey(groupId));
      if (box) this.zoom.reveal(box);
      if (collapse) this.renderer.nodeElement(`g:${groupId}`)?.focus();
      this.persistSoon();
    });
  }

  private setAllGroups(collapsed: boolean): void {
    if (!this.index) return;
    this.state.groupChoices = allChoices(this.index, collapsed);
    this.rebuildShowingProgress(() => {
      this.initialView();
      this.persistSoon();
    });
  }

  private initialView(): void {
    if (this.layout) this.zoom.initial(this.layout.width, this.layout.height);
  }

  private fit(): void {
    if (this.layout) this.zoom.fit(this.layout.width, this.layout.height);
  }

  private search(query: string): void {
    this.state.query = query;
    const q = query.trim().toLowerCase();
    this.matches = q && this.view ? this.view.nodes.filter((n) => n.searchText.includes(q)).map((n) => n.key) : null;
    this.matchCursor = -1;
    this.toolbar.setMatches(this.matches ? this.matches.length : null);
    this.applyMarks();
    this.persistSoon();
  }

  private nextMatch(backwards: boolean): void {
    if (!this.matches || this.matches.length === 0) return;
    const n = this.matches.length;
    this.matchCursor = backwards ? (this.matchCursor - 1 + n) % n : (this.matchCursor + 1) % n;
    const key = this.matches[this.matchCursor]!;
    const node = this.viewNode(key);
    if (!node || !this.layout) return;
    this.choose(node, false);
    const box = this.layout.nodes.get(key);
    if (box) this.zoom.reveal(box);
  }

  private onKey(e: KeyboardEvent): void {
    const arrows: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
    const selected = this.selectedKey();
    if (arrows[e.key] && this.view && this.layout) {
      e.preventDefault();
      const from = selected ?? this.view.nodes[0]?.key;
      if (!from) return;
      const to = selected ? neighbour(this.view, this.layout, from, arrows[e.key]!) : from;
      if (to) this.focusNode(to);
      return;
    }
    switch (e.key) {
      case 'Enter': {
        const node = this.viewNode(selected);
        if (node) this.choose(node, true);
        break;
      }
      case ' ': {
        e.preventDefault();
        const node = this.viewNode(selected);
        const group = node?.kind === 'group' ? node.id
          : node?.kind === 'layer' ? this.index?.nodes.get(node.id)?.groups.at(-1) : undefined;
        if (group) this.toggleGroup(group);
        break;
      }
      case '+':
      case '=':
        this.zoom.by(1.25);
        break;
      case '-':
      case '_':
        this.zoom.by(0.8);
        break;
      case '0':
        this.fit();
        break;
      case 'Escape':
        this.state.selected = null;
        this.applyMarks();
        this.showReceptiveField();
        break;
      default:
        return;
    }
  }

  private setReceptiveFieldOpen(open: boolean): void {
    this.state.receptiveFieldOpen = open;
    this.receptiveField.setOpen(open);
    this.toolbar.setReceptiveFieldOpen(open);
    this.showReceptiveField();
    this.persistSoon();
  }

  /** A convolution chosen shows its feature maps (from the newest finished run; not in the diff, which shows no run). */
  private showFeatureMaps(node: ViewNode): void {
    const layer = node.kind === 'layer' ? this.index?.nodes.get(node.id) : undefined;
    const isConv = layer && (layer.op.type === 'conv2d' || layer.op.type === 'depthwiseConv2d');
    if (isConv && !this.diff) this.featureMaps.show(layer.id, layer.path);
    else this.featureMaps.hide();
  }

  /** The receptive-field view follows the selection (a group shows its output's field). */
  private showReceptiveField(): void {
    if (!this.receptiveField.open) return;
    const index = this.index;
    const s = this.state.selected;
    let subject: FieldSubject | null = null;
    if (index && s?.kind === 'node' && index.nodes.has(s.id)) {
      const a = index.analysis.get(s.id);
      subject = { name: index.nodes.get(s.id)!.path, receptiveField: a?.receptiveField ?? null, outputShape: a?.outputShape ?? null };
    } else if (index && s?.kind === 'group' && index.groups.has(s.id)) {
      const out = groupOutputs(index, s.id).at(-1);
      const a = out ? index.analysis.get(out.id) : undefined;
      subject = { name: index.groups.get(s.id)!.name, receptiveField: a?.receptiveField ?? null, outputShape: a?.outputShape ?? null };
    }
    this.receptiveField.show(subject);
    // The trained network's effective field, drawn over the theoretical one (not in the diff).
    if (subject?.receptiveField && subject.outputShape?.length === 3 && s?.kind === 'node' && !this.diff && this.erfRequest?.name !== subject.name) {
      this.erfRequest = { requestId: this.nextInsightId++, name: subject.name };
      this.api.post({ type: 'insight', requestId: this.erfRequest.requestId, query: { type: 'effectiveRf', nodeId: s.id, images: 32 } });
    }
  }

  private receiveEffectiveField(r: InsightResult): void {
    if (r.requestId !== this.erfRequest?.requestId || r.answer.type !== 'effectiveRf' || !r.runId) return;
    const a = r.answer;
    this.receptiveField.setEffectiveField({
      name: this.erfRequest.name, centre: a.centre, images: a.images, runId: r.runId,
      dataUri: heatCanvas(a.map, 'rf-erf').toDataURL(),
    });
  }

  private async exportAs(format: 'svg' | 'png'): Promise<void> {
    if (!this.layout || !this.index) return;
    // Export what the model is, not the momentary view: no selection, search dimming or
    // far-zoom text hiding.
    const lod = ['lod-far', 'lod-tiny'].filter((c) => this.svg.classList.contains(c));
    this.svg.classList.remove(...lod);
    this.renderer.mark({ selected: null, cursor: new Set(), matches: null, diff: this.diffKeys });
    let svgText: string;
    try {
      const layout = this.layout;
      svgText = this.renderer.withEverything(() => standaloneSvg(this.svg, this.renderer.viewport, layout.width, layout.height));
    } finally {
      this.svg.classList.add(...lod);
      this.applyMarks();
    }
    const base = `${this.documentLabel.replace(/\.cnn\.ts$/, '')}${this.state.exportName && this.state.exportName !== 'default' ? '-' + this.state.exportName : ''}`;
    const data = format === 'svg' ? svgText : await rasterise(svgText, this.layout.width, this.layout.height);
    this.api.post({ type: 'export', format, data, suggestedName: `${base}.${format}` });
  }

  private persistSoon(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => this.api.setState(this.state), 150);
  }
}
