import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { assertNever } from '../../src/shared/assertNever';
import type { CompareToExtension, ComparePersistedState, ExtensionToCompare } from '../../src/shared/messages';
import type { VsCodeApi } from '../shared/vscodeApi';
import { el } from '../shared/dom';
import type { Exporter } from '../shared/exportBar';
import { architectureSection } from './sections/architecture';
import { configSection } from './sections/configDiff';
import { confusionSection } from './sections/confusion';
import { curvesSection } from '../shared/sections/curves';
import { redrawPerFrame } from '../shared/charts/redrawPerFrame';
import { metricsSection } from './sections/metrics';
import { perClassSection } from '../shared/sections/perClass';
import { runsHeader } from './sections/runsHeader';

// The compare view: every section is a function of the last comparison the extension sent, and
// of a little view state (which run the confusion heatmap shows, whether per-step curves and the
// shared settings are open) that survives each update, so a live run can redraw it every second.

type ComparisonMessage = Extract<ExtensionToCompare, { type: 'comparison' }>;

export class CompareView {
  private last: ComparisonMessage | null = null;
  private confusionRun = 1;
  /** Per-step curves turned on or off by the reader (null: the default, on for short runs). */
  private steps: boolean | null = null;
  /** Redraws at most once a frame: live runs post a comparison every second. */
  private readonly redraw = redrawPerFrame(() => this.render());
  private sameOpen = false;

  constructor(private readonly root: HTMLElement, private readonly api: VsCodeApi<CompareToExtension, ComparePersistedState>) {}

  receive(message: ExtensionToCompare): void {
    switch (message.type) {
      case 'empty':
        this.last = null;
        this.api.setState({ runIds: [], runsDir: message.runsDir });
        this.root.replaceChildren(el('p', { class: 'empty' }, message.message));
        break;
      case 'comparison':
        this.last = message;
        this.api.setState({ runIds: message.comparison.runs.map((r) => r.id), runsDir: message.runsDir });
        this.redraw();
        break;
      default:
        assertNever(message, 'compare view');
    }
  }

  private render(): void {
    const m = this.last;
    if (!m) return;
    const c = m.comparison;
    const post = (msg: CompareToExtension) => this.api.post(msg);
    const exporter: Exporter = (request) => post({ type: 'export', ...request });
    // Keep the reader's place: re-rendering replaces the content under the scroll position.
    const scroll = document.scrollingElement?.scrollTop ?? 0;
    const focusedKey = (document.activeElement as HTMLElement | null)?.closest?.('[data-focus-key]')?.getAttribute('data-focus-key') ?? null;
    this.root.replaceChildren(
      runsHeader(c, new Set(m.live), post),
      ...c.warnings.map((w) => el('p', { class: 'warning' }, w)),
      configSection(c, this.sameOpen, (open) => { this.sameOpen = open; }, exporter),
      metricsSection(c, exporter),
      curvesSection(c, this.steps, (on) => { this.steps = on; this.render(); }, exporter),
      perClassSection(c),
      confusionSection(c, this.confusionRun, (run) => { this.confusionRun = run; this.render(); }),
      architectureSection(c, m.architecture),
    );
    if (document.scrollingElement) document.scrollingElement.scrollTop = scroll;
    if (focusedKey) (this.root.querySelector(`[data-focus-key="${CSS.escape(focusedKey)}"]`) as HTMLElement | null)?.focus();
  }
}
