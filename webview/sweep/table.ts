import { tr } from '../../src/shared/l10n/translate';
import { el } from '../shared/dom';
import { runStatusLabel } from '../shared/l10n';
import { formatCell, type SortOrder, type SweepModel } from './model';

// The runs table, virtualized: the scroll box holds only the rows in view (and a few around
// them) between two spacer rows of the height of the rows left out, so a sweep of thousands of
// runs scrolls as smoothly as one of ten. Rows have one fixed height (sweep.css) for that.

/** Pixels per row: keep equal to `.sweep-table tbody tr` in sweep.css. */
const ROW_HEIGHT = 26;
/** Rows drawn above and below the visible ones, so a fast scroll shows no gap. */
const OVERSCAN = 8;

export interface RunsTableEvents {
  onOpen(runId: string): void;
  onSort(order: SortOrder): void;
  onSelectionChange(): void;
}

export class RunsTable {
  readonly element = el('div', { class: 'sweep-table-scroll', tabindex: 0, role: 'region', 'aria-label': tr('Runs of the sweep') });
  /** Ids of the rows ticked for comparison (kept through filters and sorts). */
  readonly selected = new Set<string>();
  private readonly table = el('table', { class: 'sweep-table' });
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private readonly topPad = el('tr', { class: 'pad', 'aria-hidden': 'true' });
  private readonly bottomPad = el('tr', { class: 'pad', 'aria-hidden': 'true' });
  private model: SweepModel | null = null;
  private order: number[] = [];
  private sort: SortOrder | null = null;
  private drawn = '';

  constructor(private readonly events: RunsTableEvents) {
    this.table.append(this.head, this.body);
    this.element.append(this.table);
    this.element.addEventListener('scroll', () => this.renderRows(false), { passive: true });
    new ResizeObserver(() => this.renderRows(false)).observe(this.element);
  }

  /** A new model: header and rows from scratch. */
  setModel(model: SweepModel): void {
    this.model = model;
    for (const id of [...this.selected]) if (!model.rows.some((r) => r.id === id)) this.selected.delete(id);
    const span = model.columns.length + 2;
    this.topPad.replaceChildren(el('td', { colspan: span }));
    this.bottomPad.replaceChildren(el('td', { colspan: span }));
    this.table.style.minWidth = `${18 + model.columns.length * 9}em`;
    this.renderHead();
  }

  /** The rows to show, in order (indices into the model's rows), and how they are sorted. */
  setRows(order: readonly number[], sort: SortOrder | null): void {
    const sortChanged = JSON.stringify(sort) !== JSON.stringify(this.sort);
    this.order = [...order];
    this.sort = sort;
    if (sortChanged) this.renderHead();
    this.renderRows(true);
  }

  private renderHead(): void {
    const model = this.model;
    if (!model) return;
    const header = (label: string, column: number, numeric: boolean) => {
      const sorted = this.sort?.column === column ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
      const th = el('th', { scope: 'col', class: numeric ? 'num' : '', 'aria-sort': sorted, 'data-column': column },
        el('button', { type: 'button', class: 'sort' }, label, sorted === 'none' ? '' : sorted === 'ascending' ? ' ▲' : ' ▼'));
      th.addEventListener('click', () => {
        const descending = this.sort?.column === column ? !this.sort.descending : numeric;
        this.events.onSort({ column, descending });
      });
      return th;
    };
    const all = el('input', { type: 'checkbox', 'aria-label': tr('Select all runs shown') });
    all.addEventListener('change', () => {
      for (const i of this.order) {
        const id = this.model!.rows[i]!.id;
        if (all.checked) this.selected.add(id); else this.selected.delete(id);
      }
      this.renderRows(true);
      this.events.onSelectionChange();
    });
    this.head.replaceChildren(el('tr', {},
      el('th', { class: 'pick' }, all),
      header(tr('Run'), -1, false),
      ...model.columns.map((col, c) => header(col.label, c, col.scale !== 'point')),
    ));
  }

  /** Draws the rows in view; `force` redraws even when the same rows are in view. */
  private renderRows(force: boolean): void {
    const model = this.model;
    if (!model) return;
    const headHeight = this.head.getBoundingClientRect().height;
    const viewport = Math.max(this.element.clientHeight - headHeight, ROW_HEIGHT);
    const scrolled = Math.max(this.element.scrollTop, 0);
    const first = Math.max(0, Math.floor(scrolled / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.order.length, Math.ceil((scrolled + viewport) / ROW_HEIGHT) + OVERSCAN);
    const key = `${first}:${last}`;
    if (!force && key === this.drawn) return;
    this.drawn = key;
    this.topPad.style.height = `${first * ROW_HEIGHT}px`;
    this.bottomPad.style.height = `${(this.order.length - last) * ROW_HEIGHT}px`;
    const rows: HTMLTableRowElement[] = [];
    for (let k = first; k < last; k++) rows.push(this.row(this.order[k]!));
    this.body.replaceChildren(this.topPad, ...rows, this.bottomPad);
  }

  private row(index: number): HTMLTableRowElement {
    const model = this.model!;
    const run = model.rows[index]!;
    const box = el('input', { type: 'checkbox', 'aria-label': tr('select {0}', run.label), checked: this.selected.has(run.id) });
    box.addEventListener('click', (e) => e.stopPropagation());
    box.addEventListener('change', () => {
      if (box.checked) this.selected.add(run.id); else this.selected.delete(run.id);
      this.events.onSelectionChange();
    });
    const tr_ = el('tr', { class: 'run', 'data-run-id': run.id, 'data-index': index, title: tr('Open run {0}', run.id) },
      el('td', { class: 'pick' }, box),
      el('td', { class: 'name' }, run.label, run.status === 'completed' ? '' : el('span', { class: 'status' }, ` · ${runStatusLabel(run.status)}`)),
      ...model.columns.map((col, c) => el('td', { class: col.scale === 'point' ? '' : 'num' }, formatCell(col, run.cells[c]!))),
    );
    tr_.addEventListener('click', () => this.events.onOpen(run.id));
    return tr_;
  }
}
