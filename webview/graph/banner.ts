import type { Diagnostic } from '../../src/analysis/types';
import { tr } from '../../src/shared/l10n/translate';
import type { GraphError } from '../../src/shared/messages';

// The strip above the graph: why the file no longer evaluates (the graph below is the last one
// that did, marked stale), and the model's errors and whole-model diagnostics.

export class Banner {
  private readonly root: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'banner';
    this.root.setAttribute('role', 'status');
    this.root.hidden = true;
    parent.append(this.root);
  }

  show(opts: { stale: boolean; error: GraphError | null; hasGraph: boolean; diagnostics: Diagnostic[] }): void {
    const lines: { cls: string; text: string }[] = [];
    if (opts.error) {
      const where = opts.error.location ? tr('line {0}, column {1}: ', opts.error.location.line, opts.error.location.column) : '';
      const lead = opts.stale ? tr('The model no longer evaluates; showing the last version that did. ')
        : opts.hasGraph ? '' : tr('The model does not evaluate. ');
      lines.push({ cls: 'error', text: `${lead}${where}${opts.error.message}` });
    }
    for (const d of opts.diagnostics) lines.push({ cls: d.severity, text: d.message });
    this.root.hidden = lines.length === 0;
    this.root.classList.toggle('stale', opts.stale);
    this.root.replaceChildren(...lines.map((l) => {
      const p = document.createElement('p');
      p.className = l.cls;
      p.textContent = l.text;
      return p;
    }));
  }
}
