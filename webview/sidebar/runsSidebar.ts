import { assertNever } from '../../src/shared/assertNever';
import type { ExtensionToSidebar, RunProgress, RunRow, SidebarToExtension } from '../../src/shared/messages';
import type { Comparison } from '../../src/runs/compare';
import { decimal, duration, learningRate, percent } from '../../src/shared/format';
import { tr } from '../../src/shared/l10n/translate';
import type { VsCodeApi } from '../shared/vscodeApi';
import { custom, el } from '../shared/dom';
import { heatmap } from '../shared/charts/heatmap';
import { redrawPerFrame } from '../shared/charts/redrawPerFrame';
import { runStatusLabel } from '../shared/l10n';
import { curvesSection } from '../shared/sections/curves';
import { perClassSection } from '../shared/sections/perClass';
import { ConfusionInsight } from '../shared/sections/confusionInsight';

// The sidebar: the runs list (click selects, checkboxes pick runs to compare) above the selected
// or live run's curves, per-class accuracy and confusion matrix — the compare view's own
// sections, drawn for one run, so a run reads the same here and in a comparison.

type Detail = Extract<ExtensionToSidebar, { type: 'detail' }>;

const STATUS_ICON: Record<RunRow['status'], string> = {
  running: '⟳', completed: '✓', stopped: '■', failed: '✗', interrupted: '⚠', damaged: '⊘',
};

/** One row's element and the parts of it that change while its run trains. */
interface RowView {
  item: HTMLLIElement;
  box: HTMLElement;
  model: HTMLElement;
  status: HTMLElement;
  dataset: HTMLElement;
  acc: HTMLElement;
  time: HTMLElement;
  damage: HTMLElement;
}

export class RunsSidebar {
  private runs: RunRow[] = [];
  private live: string | null = null;
  private detail: Detail | null = null;
  /** A selected row whose run.json cannot be read: the detail says why instead of a run. */
  private selectedDamaged: RunRow | null = null;
  private readonly checked: Set<string>;
  /** Per-step curves turned on or off by the reader, for the run shown (null: its default). */
  private steps: boolean | null = null;
  /** The detail's redraw, at most once a frame (a live run redraws its curves every second). */
  private readonly redrawDetail = redrawPerFrame(() => this.renderDetail());
  private readonly list = el('section', { class: 'runs-list', 'aria-label': tr('Runs') });
  private readonly body = el('section', { class: 'run-detail', 'aria-live': 'polite' });
  // The rows and the buttons are updated in place, never rebuilt: a live run updates the list
  // every second, and an element replaced between a user's mouse-down and mouse-up loses the
  // click (Stop training, under load, could take several tries).
  private readonly rows = new Map<string, RowView>();
  private readonly ul = el('ul', { class: 'runs' });
  private readonly actions = el('div', { class: 'runs-actions' });
  private readonly compareButton = custom('vscode-button', { 'data-action': 'compare' }, tr('Compare selected'));
  /** A confusion cell's images and Grad-CAM, kept across redraws of the detail. */
  private readonly insight = new ConfusionInsight((runId, ask) => this.post({ ...ask, runId }));
  private readonly stopButton = custom('vscode-button', { 'data-action': 'stop', secondary: true }, tr('Stop training'));
  /** The ticked runs (two or more), else every run, in the sweep view. */
  private readonly sweepButton = custom('vscode-button', { 'data-action': 'sweep', secondary: true }, tr('Show runs as a sweep'));

  constructor(root: HTMLElement, private readonly api: VsCodeApi<SidebarToExtension, { checked: string[] }>) {
    this.checked = new Set(api.getState()?.checked ?? []);
    this.compareButton.addEventListener('click', () => {
      const ids = this.checkedIds();
      if (ids.length) this.post({ type: 'compare', runIds: ids });
    });
    this.stopButton.addEventListener('click', () => this.post({ type: 'stop' }));
    this.sweepButton.addEventListener('click', () => {
      const ticked = this.checkedIds();
      const runIds = ticked.length > 1 ? ticked : this.runs.filter((r) => r.status !== 'damaged').map((r) => r.id);
      if (runIds.length) this.post({ type: 'sweep', runIds });
    });
    root.replaceChildren(this.list, this.body);
  }

  receive(m: ExtensionToSidebar): void {
    switch (m.type) {
      case 'runs':
        this.runs = m.runs;
        this.live = m.liveRunId;
        for (const id of [...this.checked]) if (!m.runs.some((r) => r.id === id)) this.checked.delete(id);
        this.renderList();
        break;
      case 'detail':
        if (this.detail?.runId !== m.runId) this.steps = null;
        this.detail = m;
        this.selectedDamaged = null;
        this.renderList();
        this.redrawDetail();
        break;
      case 'noDetail':
        this.detail = null;
        this.redrawDetail();
        break;
      case 'insight':
        this.insight.receive(m);
        break;
      default:
        assertNever(m, 'runs sidebar');
    }
  }

  private post(m: SidebarToExtension): void {
    this.api.post(m);
  }

  private checkedIds(): string[] {
    return this.runs.filter((r) => this.checked.has(r.id)).map((r) => r.id);
  }

  private renderList(): void {
    if (this.runs.length === 0) {
      this.rows.clear();
      const train = custom('vscode-button', { 'data-action': 'train' }, tr('Train Model'));
      train.addEventListener('click', () => this.post({ type: 'train' }));
      this.list.replaceChildren(el('p', { class: 'empty' }, tr('No runs yet. Open a model file and run CNN: Train Model.')), train);
      return;
    }
    const items = this.runs.map((r) => {
      const view = this.rows.get(r.id) ?? this.createRow(r.id);
      this.rows.set(r.id, view);
      this.updateRow(view, r);
      return view.item;
    });
    const shown = new Set(this.runs.map((r) => r.id));
    for (const id of [...this.rows.keys()]) if (!shown.has(id)) this.rows.delete(id);
    setChildren(this.ul, items);
    setChildren(this.list, [this.ul, this.actions]);
    this.renderCompareButton();
  }

  private createRow(id: string): RowView {
    const box = custom('vscode-checkbox', { 'aria-label': tr('compare {0}', id), checked: this.checked.has(id) || null });
    box.addEventListener('change', () => {
      if ((box as unknown as { checked: boolean }).checked) this.checked.add(id); else this.checked.delete(id);
      this.api.setState({ checked: [...this.checked] });
      this.renderCompareButton();
    });
    const view: RowView = {
      item: el('li', { tabindex: 0, 'data-run-id': id }),
      box,
      status: el('span', { class: 'run-status' }),
      model: el('span', { class: 'run-model' }),
      // The second line: dataset and backend (`mnist · wasm`), beside the duration.
      dataset: el('span', { class: 'run-dataset' }),
      acc: el('span', { class: 'run-acc' }),
      time: el('span', { class: 'run-time' }),
      damage: el('span', { class: 'run-damage' }),
    };
    view.item.append(box, view.status, view.model, view.dataset, view.acc, view.time);
    const select = (e: Event) => {
      if ((e.target as HTMLElement).closest('vscode-checkbox')) return;
      if ((e as MouseEvent).ctrlKey || (e as MouseEvent).metaKey) {
        if (this.checked.has(id)) this.checked.delete(id); else this.checked.add(id);
        this.api.setState({ checked: [...this.checked] });
        this.renderList();
        return;
      }
      const r = this.runs.find((run) => run.id === id);
      this.selectedDamaged = r?.status === 'damaged' ? r : null;
      this.post({ type: 'select', runId: id });
    };
    view.item.addEventListener('click', select);
    view.item.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') select(e); });
    return view;
  }

  private updateRow(view: RowView, r: RunRow): void {
    const selected = this.detail?.runId === r.id;
    view.item.className = `run-row status-${r.status}${selected ? ' selected' : ''}`;
    view.item.title = [r.id, r.error, r.damaged ? tr('damaged: {0}', r.damaged) : null].filter(Boolean).join('\n');
    view.item.setAttribute('aria-selected', String(selected));
    const box = view.box as unknown as { checked: boolean };
    if (box.checked !== this.checked.has(r.id)) box.checked = this.checked.has(r.id);
    view.status.setAttribute('aria-label', runStatusLabel(r.status));
    setText(view.status, STATUS_ICON[r.status]);
    setText(view.model, r.status === 'damaged' ? tr('run.json unreadable') : r.model);
    const backend = r.backend ? ` · ${r.backend}` : '';
    if (view.dataset.textContent !== `${r.dataset}${backend}`) {
      view.dataset.replaceChildren(r.dataset, ...(backend ? [el('span', { class: 'run-backend' }, backend)] : []));
    }
    setText(view.acc, percent(r.bestAccuracy));
    setText(view.time, duration(r.seconds));
    if (r.damaged) {
      setText(view.damage, tr('damaged: {0}', r.damaged));
      if (!view.damage.isConnected) view.item.append(view.damage);
    } else {
      view.damage.remove();
    }
  }

  private renderCompareButton(): void {
    const n = this.checkedIds().length;
    setText(this.compareButton, n > 1 ? tr('Compare {0} runs', n) : tr('Compare selected'));
    this.compareButton.toggleAttribute('disabled', n < 1);
    setText(this.sweepButton, n > 1 ? tr('Sweep of {0} runs', n) : tr('Show runs as a sweep'));
    this.sweepButton.toggleAttribute('disabled', this.runs.length < 2);
    setChildren(this.actions, this.live ? [this.compareButton, this.sweepButton, this.stopButton] : [this.compareButton, this.sweepButton]);
  }

  private renderDetail(): void {
    const d = this.detail;
    if (!d) {
      const damaged = this.selectedDamaged;
      this.body.replaceChildren(...(damaged ? [el('header', { class: 'detail-header' },
        el('h2', {}, tr('Damaged run')), el('p', { class: 'detail-id' }, damaged.id), el('p', { class: 'warning' }, damaged.damaged ?? ''))] : []));
      return;
    }
    const c = d.comparison;
    const run = c.runs[0]!;
    const header = el('header', { class: 'detail-header' },
      el('h2', {}, `${run.model.name} · ${runStatusLabel(run.status)}`),
      el('p', { class: 'detail-id' }, run.id),
      // What it trained on: a DDP run's world size and devices (`torch · cuda ×4 (…) · DDP`).
      run.backendLabel ? el('p', { class: 'detail-backend' }, run.backendLabel) : null,
      d.progress ? progressLine(d.progress) : null,
      run.error ? el('p', { class: 'warning' }, run.error) : null,
      // For one run, the comparison's warnings are what its files lost to a crash.
      ...c.warnings.map((w) => el('p', { class: 'warning' }, w)));
    const folder = custom('vscode-button', { secondary: true, 'data-action': 'open-folder' }, tr('Open run folder'));
    folder.addEventListener('click', () => this.post({ type: 'openFolder', runId: d.runId }));
    this.body.replaceChildren(
      header,
      curvesSection(c, this.steps, (on) => { this.steps = on; this.renderDetail(); }),
      perClassSection(c),
      this.confusionWithInsight(c, d.runId, run.status),
      folder,
    );
  }

  /**
   * The confusion matrix, and for a finished run its cells open onto their test images (and
   * those onto Grad-CAM); a running run's best checkpoint is still changing.
   */
  private confusionWithInsight(c: Comparison, runId: string, status: string): HTMLElement {
    const section = confusionMatrix(c);
    this.insight.showRun(runId);
    if (status === 'running' || !c.confusion.matrices[0]) return section;
    section.classList.add('clickable-cells');
    section.append(el('p', { class: 'muted hint' }, tr('Click a cell to see its test images.')));
    section.querySelector('svg')?.addEventListener('click', (e) => {
      const cell = (e.target as Element).closest('[data-row][data-col]');
      if (!cell) return;
      this.insight.openCell(Number(cell.getAttribute('data-row')), Number(cell.getAttribute('data-col')), c.confusion.classNames);
    });
    section.append(this.insight.element);
    return section;
  }
}

/** Sets a node's children unless they are those already: a node moved is a node a click can miss. */
function setChildren(parent: HTMLElement, children: HTMLElement[]): void {
  const current = parent.children;
  if (current.length === children.length && children.every((c, i) => current[i] === c)) return;
  parent.replaceChildren(...children);
}

function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

function progressLine(p: RunProgress): HTMLElement {
  const parts = [
    tr('epoch {0}/{1}', p.epoch, p.epochs), tr('step {0}/{1}', p.step, p.steps), tr('loss {0}', decimal(p.loss, 3)),
    p.lr === null ? '' : tr('lr {0}', learningRate(p.lr)),
    p.imagesPerSecond === null ? '' : tr('{0} img/s', Math.round(p.imagesPerSecond)),
    p.etaSeconds === null ? '' : tr('ETA {0}', duration(p.etaSeconds)),
  ].filter(Boolean);
  return el('p', { class: 'progress-line' }, parts.join(' · '));
}

/** The run's confusion matrix at its best epoch: rates per true class, counts on hover. */
function confusionMatrix(c: Comparison): HTMLElement {
  const section = el('section', { class: 'confusion', 'aria-label': tr('Confusion matrix') }, el('h3', {}, tr('Confusion matrix')));
  const counts = c.confusion.matrices[0];
  if (!counts) {
    section.append(el('p', { class: 'muted' }, tr('After the first epoch.')));
    return section;
  }
  const names = c.confusion.classNames;
  const rates = counts.map((row) => { const n = row.reduce((a, b) => a + b, 0); return row.map((v) => (n ? v / n : 0)); });
  section.append(el('figure', { class: 'chart-box' }, heatmap({
    title: tr('Confusion matrix, rates per true class'), rowLabels: names, colLabels: names,
    rowTitle: tr('true class'), colTitle: tr('predicted class'), values: rates, maxAbs: 1, labelThreshold: 0.005,
    format: (v) => String(Math.round(v * 100)),
    describe: (t, p, v) => tr('true {0}, predicted {1}: {2} images ({3} of {0})', names[t]!, names[p]!, counts[t]?.[p] ?? 0, percent(v, 1)),
  })));
  return section;
}
