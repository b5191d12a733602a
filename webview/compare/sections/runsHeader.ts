import type { Comparison } from '../../../src/runs/compare';
import type { CompareToExtension } from '../../../src/shared/messages';
import { custom, el } from '../../shared/dom';
import { runStatusLabel } from '../../shared/l10n';
import { duration } from '../../../src/shared/format';
import { tr } from '../../../src/shared/l10n/translate';
import { runClass, runName, runTag } from '../../shared/runs';

// The runs being compared, one card each, in their colour: name or id, tags, status (live runs
// say so), what was trained on what; and the actions on a run (rename, tags, remove from the
// comparison, delete). Buttons are vscode-elements, so Tab and Enter/Space reach all of them.

/** `focusKey` lets the view put the focus back on the same button after a redraw. */
function action(label: string, title: string, focusKey: string, onClick: () => void, secondary = true): HTMLElement {
  const b = custom('vscode-button', { title, secondary, 'data-focus-key': focusKey }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function runsHeader(c: Comparison, live: ReadonlySet<string>, post: (m: CompareToExtension) => void): HTMLElement {
  const cards = c.runs.map((run, k) => {
    const isLive = live.has(run.id);
    const permuted = c.configDiff.permutePixels?.[k] ?? c.configSame.permutePixels ?? null;
    return el('article', { class: `run-card ${runClass(k)}`, 'data-run-id': run.id, 'aria-label': tr('Run {0} {1}', runTag(k), runName(run)) },
      el('div', { class: 'run-title' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        el('strong', {}, `${runTag(k)} ${runName(run)}`),
        run.name ? el('code', { class: 'run-id' }, run.id) : null,
        ...run.tags.map((t) => custom('vscode-badge', { class: 'tag' }, t)),
        el('span', { class: `status status-${isLive ? 'live' : run.status}` }, isLive ? `● ${tr('live')}` : runStatusLabel(run.status))),
      el('div', { class: 'run-sub' },
        `${run.model.name} (${run.model.export}) · ${run.dataset ?? '—'}${permuted !== null ? tr(' (permuted)') : ''} · `
        + `${tr('{0}/{1} epochs', run.epochsCompleted, run.epochsPlanned)} · ${run.backendLabel ?? '—'} · ${duration(run.wallSeconds)}`),
      run.error ? el('div', { class: 'run-error' }, run.error) : null,
      el('div', { class: 'run-actions' },
        action(tr('Rename'), tr('Name run {0}', runTag(k)), `rename:${run.id}`, () => post({ type: 'rename', runId: run.id })),
        action(tr('Tags'), tr('Edit the tags of run {0}', runTag(k)), `tags:${run.id}`, () => post({ type: 'editTags', runId: run.id })),
        c.runs.length > 1 ? action(tr('Remove'), tr('Take run {0} out of this comparison', runTag(k)), `remove:${run.id}`, () => post({ type: 'remove', runId: run.id })) : null,
        action(tr('Delete…'), tr('Delete run {0} from disk (asks first)', runTag(k)), `delete:${run.id}`, () => post({ type: 'delete', runId: run.id }))));
  });
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': tr('Comparison') },
    el('span', { class: 'count' }, c.runs.length === 1 ? tr('1 run') : tr('{0} runs', c.runs.length)),
    action(tr('Add runs…'), tr('Pick more runs to compare'), 'add', () => post({ type: 'addRuns' }), false));
  return el('section', { class: 'runs', 'aria-label': tr('Runs') }, toolbar, el('div', { class: 'run-cards' }, ...cards));
}
