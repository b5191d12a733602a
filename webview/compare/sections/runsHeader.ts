import type { Comparison } from '../../../src/runs/compare';
import type { CompareToExtension } from '../../../src/shared/messages';
import { custom, el } from '../../shared/dom';
import { duration } from '../../../src/shared/format';
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
    return el('article', { class: `run-card ${runClass(k)}`, 'data-run-id': run.id, 'aria-label': `Run ${runTag(k)} ${runName(run)}` },
      el('div', { class: 'run-title' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        el('strong', {}, `${runTag(k)} ${runName(run)}`),
        run.name ? el('code', { class: 'run-id' }, run.id) : null,
        ...run.tags.map((t) => custom('vscode-badge', { class: 'tag' }, t)),
        el('span', { class: `status status-${isLive ? 'live' : run.status}` }, isLive ? '● live' : run.status)),
      el('div', { class: 'run-sub' },
        `${run.model.name} (${run.model.export}) · ${run.dataset ?? '—'}${permuted !== null ? ' (permuted)' : ''} · `
        + `${run.epochsCompleted}/${run.epochsPlanned} epochs · ${run.backendLabel ?? '—'} · ${duration(run.wallSeconds)}`),
      run.error ? el('div', { class: 'run-error' }, run.error) : null,
      el('div', { class: 'run-actions' },
        action('Rename', `Name run ${runTag(k)}`, `rename:${run.id}`, () => post({ type: 'rename', runId: run.id })),
        action('Tags', `Edit the tags of run ${runTag(k)}`, `tags:${run.id}`, () => post({ type: 'editTags', runId: run.id })),
        c.runs.length > 1 ? action('Remove', `Take run ${runTag(k)} out of this comparison`, `remove:${run.id}`, () => post({ type: 'remove', runId: run.id })) : null,
        action('Delete…', `Delete run ${runTag(k)} from disk (asks first)`, `delete:${run.id}`, () => post({ type: 'delete', runId: run.id }))));
  });
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Comparison' },
    el('span', { class: 'count' }, `${c.runs.length} run${c.runs.length === 1 ? '' : 's'}`),
    action('Add runs…', 'Pick more runs to compare', 'add', () => post({ type: 'addRuns' }), false));
  return el('section', { class: 'runs', 'aria-label': 'Runs' }, toolbar, el('div', { class: 'run-cards' }, ...cards));
}
