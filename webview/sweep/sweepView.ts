import { assertNever } from '../../src/shared/assertNever';
import { tr } from '../../src/shared/l10n/translate';
import type { ExtensionToSweep, SweepPersistedState, SweepToExtension } from '../../src/shared/messages';
import { el } from '../shared/dom';
import type { VsCodeApi } from '../shared/vscodeApi';
import { buildModel, defaultColourColumn, filterRows, sortRows, type Brush, type SortOrder, type SweepModel } from './model';
import { ParallelChart } from './parallel';
import { RunsTable } from './table';

// The sweep view: a toolbar (text filter, colour-by, count, compare button), the parallel-
// coordinates chart and the runs table. The text filter and the axes' brushes narrow the table
// and dim the chart's other lines; a click on a line or a row opens that run; ticked rows go to
// the compare view.

const MIN_CHART_WIDTH = 480;

export class SweepView {
  private model: SweepModel | null = null;
  private readonly brushes = new Map<string, Brush>();
  private text = '';
  private sort: SortOrder | null = null;
  private colourColumn = 0;
  /** The rows and order last drawn (see applyFilter); '' after the chart is redrawn. */
  private shownKey = '';
  private readonly heading = el('h2', {}, tr('Sweep'));
  private readonly count = el('span', { class: 'count', 'aria-live': 'polite' });
  private readonly problems = el('p', { class: 'problems', hidden: true });
  private readonly filter = el('input', { type: 'search', class: 'filter', placeholder: tr('Filter runs'), 'aria-label': tr('Filter runs') });
  private readonly colourBy = el('select', { class: 'colour-by', 'aria-label': tr('Colour lines by') });
  private readonly clearButton = el('button', { type: 'button', class: 'secondary', 'data-action': 'clear-brushes' }, tr('Clear brushes'));
  private readonly compareButton = el('button', { type: 'button', 'data-action': 'compare', disabled: true }, tr('Compare selected'));
  private readonly chart: ParallelChart;
  private readonly table: RunsTable;
  private readonly chartBox = el('div', { class: 'chart' });
  private readonly empty = el('p', { class: 'empty', hidden: true });

  constructor(private readonly root: HTMLElement, private readonly api: VsCodeApi<SweepToExtension, SweepPersistedState>) {
    this.chart = new ParallelChart({
      onBrush: (key, brush) => {
        if (brush) this.brushes.set(key, brush); else this.brushes.delete(key);
        this.applyFilter();
      },
      onOpen: (runId) => this.api.post({ type: 'openRun', runId }),
    });
    this.table = new RunsTable({
      onOpen: (runId) => this.api.post({ type: 'openRun', runId }),
      onSort: (order) => { this.sort = order; this.applyFilter(); },
      onSelectionChange: () => this.updateCompareButton(),
    });
    this.filter.addEventListener('input', () => { this.text = this.filter.value; this.applyFilter(); });
    this.colourBy.addEventListener('change', () => { this.colourColumn = Number(this.colourBy.value); this.drawChart(); });
    this.clearButton.addEventListener('click', () => { this.brushes.clear(); this.drawChart(); });
    this.compareButton.addEventListener('click', () => {
      const runIds = this.model?.rows.filter((r) => this.table.selected.has(r.id)).map((r) => r.id) ?? [];
      if (runIds.length) this.api.post({ type: 'compare', runIds });
    });
    this.chartBox.append(this.chart.element);
    let width = 0;
    new ResizeObserver(() => {
      const next = this.chartWidth();
      if (next !== width) { width = next; this.drawChart(); }
    }).observe(this.chartBox);
    const toolbar = el('div', { class: 'toolbar' }, this.filter, el('label', {}, tr('Colour by'), ' ', this.colourBy), this.clearButton, this.count, el('span', { class: 'grow' }), this.compareButton);
    root.replaceChildren(el('header', {}, this.heading, this.problems), toolbar, this.empty, this.chartBox, this.table.element);
  }

  receive(message: ExtensionToSweep): void {
    switch (message.type) {
      case 'sweep': {
        this.api.setState({ runIds: message.table.runs.map((r) => r.id), runsDir: message.runsDir });
        // The runs change as a sweep trains: the brushes stay (drawChart puts them back).
        this.model = buildModel(message.table);
        this.colourColumn = Math.max(0, defaultColourColumn(this.model));
        this.colourBy.replaceChildren(...this.model.columns.map((c, i) => (c.scale === 'point' ? null : el('option', { value: i, selected: i === this.colourColumn }, c.label))).filter((o) => o !== null));
        this.heading.textContent = tr('Sweep: {0} runs · varying: {1}', message.table.runs.length, message.table.params.join(', ') || '—');
        this.problems.textContent = message.problems.join('\n');
        this.problems.hidden = message.problems.length === 0;
        this.empty.hidden = true;
        this.chartBox.hidden = false;
        this.table.element.hidden = false;
        this.table.setModel(this.model);
        this.drawChart();
        break;
      }
      case 'empty':
        this.model = null;
        this.empty.textContent = message.message;
        this.empty.hidden = false;
        this.chartBox.hidden = true;
        this.table.element.hidden = true;
        break;
      default:
        assertNever(message, 'sweep view');
    }
  }

  private chartWidth(): number {
    return Math.max(MIN_CHART_WIDTH, Math.floor(this.chartBox.clientWidth || this.root.clientWidth));
  }

  /** Draws the chart afresh with the brushes as they are, then the table. */
  private drawChart(): void {
    if (!this.model) return;
    this.chart.draw(this.model, this.chartWidth(), this.colourColumn, this.brushes);
    this.shownKey = '';
    this.applyFilter();
  }

  private applyFilter(): void {
    const model = this.model;
    if (!model) return;
    const shown = filterRows(model, this.brushes, this.text);
    // A brush moves many times a second and mostly keeps the same runs: redraw only on a change.
    const key = `${shown.join(',')}|${JSON.stringify(this.sort)}`;
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.chart.showFiltered(new Set(shown));
    this.table.setRows(sortRows(model, shown, this.sort), this.sort);
    this.count.textContent = tr('{0} of {1} runs', shown.length, model.rows.length);
  }

  private updateCompareButton(): void {
    const n = this.table.selected.size;
    this.compareButton.textContent = n > 0 ? tr('Compare {0} runs', n) : tr('Compare selected');
    this.compareButton.disabled = n === 0;
  }
}
