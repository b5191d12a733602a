import { assertNever } from '../../src/shared/assertNever';
import type { ExtensionToSidebar, RunProgress, RunRow, SidebarToExtension } from '../../src/shared/messages';
import type { Comparison } from '../../src/runs/compare';
import { decimal, duration, learningRate, percent } from '../../src/shared/format';
import type { VsCodeApi } from '../shared/vscodeApi';
import { custom, el } from '../shared/dom';
import { heatmap } from '../shared/charts/heatmap';
import { curvesSection } from '../shared/sections/curves';
import { perClassSection } from '../shared/sections/perClass';

// The sidebar: the runs list (click selects, checkboxes pick runs to compare) above the selected
// or live run's curves, per-class accuracy and confusion matrix — the compare view's own
// sections, drawn for one run, so a run reads the same here and in a comparison.

type Detail = Extract<ExtensionToSidebar, { type: 'detail' }>;

const STATUS_ICON: Record<RunRow['status'], string> = {
  running: '⟳', completed: '✓', stopped: '■', failed: '✗', interrupted: '⚠', damaged: '⊘',
};

export class RunsSidebar {
  private runs: RunRow[] = [];
  private live: string | null = null;
  private detail: Detail | null = null;
  /** A selected row whose run.json cannot be read: the detail says why instead of a run. */
  private selectedDamaged: RunRow | null = null;
  private readonly checked: Set<string>;
  private steps = false;
  private readonly list = el('section', { class: 'runs-list', 'aria-label': 'Runs' });
  private readonly body = el('section', { class: 'run-detail', 'aria-live': 'polite' });

  constructor(root: HTMLElement, private readonly api: VsCodeApi<SidebarToExtension, { checked: string[] }>) {
    this.checked = new Set(api.getState()?.checked ?? []);
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
        this.detail = m;
        this.selectedDamaged = null;
        this.renderList();
        this.renderDetail();
        break;
      case 'noDetail':
        this.detail = null;
        this.renderDetail();
        break;
      default:
        assertNever(m, 'runs sidebar');
    }
  }

  private post(m: SidebarToExtension): void {
    this.api.post(m);
  }

  private renderList(): void {
    if (this.runs.length === 0) {
      this.list.replaceChildren(
        el('p', { class: 'empty' }, 'No runs yet. Open a model file and run CNN: Train Model.'),
        custom('vscode-button', { 'data-action': 'train' }, 'Train Model'),
      );
      this.list.querySelector('[data-action="train"]')!.addEventListener('click', () => this.post({ type: 'train' }));
      return;
    }
    const rows = this.runs.map((r) => {
      const selected = this.detail?.runId === r.id;
      const box = custom('vscode-checkbox', { 'aria-label': `compare ${r.id}`, checked: this.checked.has(r.id) || null });
      box.addEventListener('change', () => {
        if ((box as unknown as { checked: boolean }).checked) this.checked.add(r.id); else this.checked.delete(r.id);
        this.api.setState({ checked: [...this.checked] });
        this.renderCompareButton();
      });
      const item = el('li', {
        class: `run-row status-${r.status}${selected ? ' selected' : ''}`, tabindex: 0, 'data-run-id': r.id,
        title: [r.id, r.error, r.damaged ? `damaged: ${r.damaged}` : null].filter(Boolean).join('\n'), 'aria-selected': selected,
      },
      box,
      el('span', { class: 'run-status', 'aria-label': r.status }, STATUS_ICON[r.status]),
      el('span', { class: 'run-model' }, r.status === 'damaged' ? 'run.json unreadable' : r.model),
      // The second line: dataset and backend (`mnist · wasm`), beside the duration.
      el('span', { class: 'run-dataset' }, r.dataset, r.backend ? el('span', { class: 'run-backend' }, ` · ${r.backend}`) : null),
      el('span', { class: 'run-acc' }, percent(r.bestAccuracy)),
      el('span', { class: 'run-time' }, duration(r.seconds)),
      r.damaged ? el('span', { class: 'run-damage' }, `damaged: ${r.damaged}`) : null);
      const select = (e: Event) => {
        if ((e.target as HTMLElement).closest('vscode-checkbox')) return;
        if ((e as MouseEvent).ctrlKey || (e as MouseEvent).metaKey) {
          if (this.checked.has(r.id)) this.checked.delete(r.id); else this.checked.add(r.id);
          this.api.setState({ checked: [...this.checked] });
          this.renderList();
          return;
        }
        this.selectedDamaged = r.status === 'damaged' ? r : null;
        this.post({ type: 'select', runId: r.id });
      };
      item.addEventListener('click', select);
      item.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') select(e); });
      return item;
    });
    this.list.replaceChildren(el('ul', { class: 'runs' }, ...rows), el('div', { class: 'runs-actions' }));
    this.renderCompareButton();
  }

  private renderCompareButton(): void {
    const actions = this.list.querySelector('.runs-actions');
    if (!actions) return;
    const ids = this.runs.filter((r) => this.checked.has(r.id)).map((r) => r.id);
    const compare = custom('vscode-button', { 'data-action': 'compare', disabled: ids.length < 1 || null },
      ids.length > 1 ? `Compare ${ids.length} runs` : 'Compare selected');
    compare.addEventListener('click', () => { if (ids.length) this.post({ type: 'compare', runIds: ids }); });
    const children: HTMLElement[] = [compare];
    if (this.live) {
      const stop = custom('vscode-button', { 'data-action': 'stop', secondary: true }, 'Stop training');
      stop.addEventListener('click', () => this.post({ type: 'stop' }));
      children.push(stop);
    }
    actions.replaceChildren(...children);
  }

  private renderDetail(): void {
    const d = this.detail;
    if (!d) {
      const damaged = this.selectedDamaged;
      this.body.replaceChildren(...(damaged ? [el('header', { class: 'detail-header' },
        el('h2', {}, 'Damaged run'), el('p', { class: 'detail-id' }, damaged.id), el('p', { class: 'warning' }, damaged.damaged ?? ''))] : []));
      return;
    }
    const c = d.comparison;
    const run = c.runs[0]!;
    const header = el('header', { class: 'detail-header' },
      el('h2', {}, `${run.model.name} · ${run.status}`),
      el('p', { class: 'detail-id' }, run.id),
      d.progress ? progressLine(d.progress) : null,
      run.error ? el('p', { class: 'warning' }, run.error) : null,
      // For one run, the comparison's warnings are what its files lost to a crash.
      ...c.warnings.map((w) => el('p', { class: 'warning' }, w)));
    const folder = custom('vscode-button', { secondary: true, 'data-action': 'open-folder' }, 'Open run folder');
    folder.addEventListener('click', () => this.post({ type: 'openFolder', runId: d.runId }));
    this.body.replaceChildren(
      header,
      curvesSection(c, this.steps, (on) => { this.steps = on; this.renderDetail(); }),
      perClassSection(c),
      confusionMatrix(c),
      folder,
    );
  }
}

function progressLine(p: RunProgress): HTMLElement {
  const parts = [
    `epoch ${p.epoch}/${p.epochs}`, `step ${p.step}/${p.steps}`, `loss ${decimal(p.loss, 3)}`,
    p.lr === null ? '' : `lr ${learningRate(p.lr)}`,
    p.imagesPerSecond === null ? '' : `${Math.round(p.imagesPerSecond)} img/s`,
    p.etaSeconds === null ? '' : `ETA ${duration(p.etaSeconds)}`,
  ].filter(Boolean);
  return el('p', { class: 'progress-line' }, parts.join(' · '));
}

/** The run's confusion matrix at its best epoch: rates per true class, counts on hover. */
function confusionMatrix(c: Comparison): HTMLElement {
  const section = el('section', { class: 'confusion', 'aria-label': 'Confusion matrix' }, el('h3', {}, 'Confusion matrix'));
  const counts = c.confusion.matrices[0];
  if (!counts) {
    section.append(el('p', { class: 'muted' }, 'After the first epoch.'));
    return section;
  }
  const names = c.confusion.classNames;
  const rates = counts.map((row) => { const n = row.reduce((a, b) => a + b, 0); return row.map((v) => (n ? v / n : 0)); });
  section.append(el('figure', { class: 'chart-box' }, heatmap({
    title: 'Confusion matrix, rates per true class', rowLabels: names, colLabels: names,
    rowTitle: 'true class', colTitle: 'predicted class', values: rates, maxAbs: 1, labelThreshold: 0.005,
    format: (v) => String(Math.round(v * 100)),
    describe: (t, p, v) => `true ${names[t]}, predicted ${names[p]}: ${counts[t]?.[p] ?? 0} images (${percent(v, 1)} of ${names[t]})`,
  })));
  return section;
}
