import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeSingleSelect, VscodeTextfield } from '@vscode-elements/elements';
import { tr } from '../../src/shared/l10n/translate';

// The toolbar: model picker (when the file exports several), fit, expand/collapse all, search,
// receptive-field view, export. VS Code's own look, from @vscode-elements/elements. Text buttons
// rather than codicons: the icon font would be one more resource to ship and allow in the CSP.

export interface ToolbarActions {
  fit(): void;
  expandAll(): void;
  collapseAll(): void;
  search(query: string): void;
  nextMatch(backwards: boolean): void;
  toggleReceptiveField(): void;
  exportAs(format: 'svg' | 'png'): void;
  selectExport(name: string): void;
}

function button(label: string, title: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('secondary', '');
  b.setAttribute('title', title);
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

export class Toolbar {
  readonly root: HTMLElement;
  private readonly exportsSelect: VscodeSingleSelect;
  private readonly searchField: VscodeTextfield;
  private readonly matchCount: HTMLElement;
  private readonly totals: HTMLElement;
  readonly receptiveFieldButton: HTMLElement;

  constructor(parent: HTMLElement, actions: ToolbarActions) {
    this.root = document.createElement('div');
    this.root.className = 'toolbar';
    this.root.setAttribute('role', 'toolbar');
    this.root.setAttribute('aria-label', tr('Graph'));

    this.exportsSelect = document.createElement('vscode-single-select') as VscodeSingleSelect;
    this.exportsSelect.setAttribute('aria-label', tr('Model'));
    this.exportsSelect.hidden = true;
    this.exportsSelect.addEventListener('change', () => actions.selectExport(this.exportsSelect.value));

    this.searchField = document.createElement('vscode-textfield') as VscodeTextfield;
    this.searchField.setAttribute('placeholder', tr('Search layers (/)'));
    this.searchField.setAttribute('aria-label', tr('Search layers by name'));
    this.searchField.className = 'search';
    this.searchField.addEventListener('input', () => actions.search(this.searchField.value));
    this.searchField.addEventListener('keydown', (e: KeyboardEvent) => {
      e.stopPropagation(); // typing here is not a graph shortcut
      if (e.key === 'Enter') actions.nextMatch(e.shiftKey);
      if (e.key === 'Escape') {
        this.searchField.value = '';
        actions.search('');
      }
    });
    this.matchCount = document.createElement('span');
    this.matchCount.className = 'match-count';
    this.matchCount.setAttribute('aria-live', 'polite');

    this.receptiveFieldButton = button(tr('Receptive field'), tr("Show the selected layer's receptive field on the input"), actions.toggleReceptiveField);
    this.totals = document.createElement('span');
    this.totals.className = 'totals';

    this.root.append(
      this.exportsSelect,
      button(tr('Fit'), tr('Fit the graph to the view (0)'), actions.fit),
      button(tr('Expand all'), tr('Expand every group'), actions.expandAll),
      button(tr('Collapse all'), tr('Collapse every group'), actions.collapseAll),
      this.searchField, this.matchCount,
      this.receptiveFieldButton,
      button('SVG', tr('Export the graph as SVG'), () => actions.exportAs('svg')),
      button('PNG', tr('Export the graph as PNG'), () => actions.exportAs('png')),
      this.totals,
    );
    parent.append(this.root);
  }

  setExports(names: string[], current: string): void {
    this.exportsSelect.hidden = names.length < 2;
    const same = names.join('\n') === Array.from(this.exportsSelect.children, (o) => o.getAttribute('value')).join('\n');
    if (!same) {
      this.exportsSelect.replaceChildren(...names.map((n) => {
        const o = document.createElement('vscode-option');
        o.setAttribute('value', n);
        o.textContent = n === 'default' ? tr('default export') : n;
        return o;
      }));
    }
    this.exportsSelect.value = current;
  }

  setQuery(query: string): void {
    if (this.searchField.value !== query) this.searchField.value = query;
  }

  focusSearch(): void {
    this.searchField.focus();
  }

  setMatches(count: number | null): void {
    this.matchCount.textContent = count === null ? '' : count === 1 ? tr('1 match') : tr('{0} matches', count);
  }

  setTotals(text: string): void {
    this.totals.textContent = text;
  }

  setReceptiveFieldOpen(open: boolean): void {
    this.receptiveFieldButton.setAttribute('aria-pressed', String(open));
  }
}
